/**
 * A black pad to draw a garment on in white; each stroke's end sends the picture as Fashion-MNIST sees
 * images: 28x28 grayscale, 0..255. An uploaded image is converted the same way.
 */
export class DrawingPad {
  private drawing = false;
  private readonly g: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onImage: (pixels: Float32Array) => void,
  ) {
    this.g = canvas.getContext('2d', { willReadFrequently: true })!;
    this.clear();
    canvas.addEventListener('pointerdown', (event) => {
      this.drawing = true;
      canvas.setPointerCapture(event.pointerId);
      this.stroke(event);
    });
    canvas.addEventListener('pointermove', (event) => this.drawing && this.stroke(event));
    canvas.addEventListener('pointerup', () => {
      this.drawing = false;
      this.send();
    });
  }

  clear(): void {
    this.g.fillStyle = '#000';
    this.g.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Draws an image file scaled to the pad (grayscale happens on the way to 28x28). */
  async load(file: File): Promise<void> {
    const bitmap = await createImageBitmap(file);
    this.clear();
    this.g.drawImage(bitmap, 0, 0, this.canvas.width, this.canvas.height);
    this.send();
  }

  private stroke(event: PointerEvent): void {
    const box = this.canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * this.canvas.width) / box.width;
    const y = ((event.clientY - box.top) * this.canvas.height) / box.height;
    this.g.fillStyle = '#fff';
    this.g.beginPath();
    this.g.arc(x, y, this.canvas.width / 18, 0, Math.PI * 2);
    this.g.fill();
  }

  private send(): void {
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    const g = small.getContext('2d', { willReadFrequently: true })!;
    g.imageSmoothingQuality = 'high';
    g.drawImage(this.canvas, 0, 0, 28, 28);
    const rgba = g.getImageData(0, 0, 28, 28).data;
    const pixels = new Float32Array(784);
    for (let i = 0; i < 784; i++) pixels[i] = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
    this.onImage(pixels);
  }
}
