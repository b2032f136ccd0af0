import type { BatchEndLogs } from '@lenet-ts/core';

/** Per-batch running loss and accuracy as two lines on a canvas; epochs marked with a vertical rule. */
export class LossChart {
  private points: { loss: number; accuracy: number }[] = [];
  private epochEnds: number[] = [];
  private frame = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.draw();
  }

  reset(): void {
    this.points = [];
    this.epochEnds = [];
    this.draw();
  }

  add(logs: BatchEndLogs): void {
    this.points.push({ loss: logs.loss, accuracy: logs.accuracy });
    // Batches arrive in bursts (every few steps); one redraw per animation frame is enough.
    if (this.frame === 0) this.frame = requestAnimationFrame(() => ((this.frame = 0), this.draw()));
  }

  endEpoch(): void {
    this.epochEnds.push(this.points.length);
    this.draw();
  }

  private draw(): void {
    const g = this.canvas.getContext('2d')!;
    const { width, height } = this.canvas;
    const left = 44,
      right = 44,
      top = 12,
      bottom = 24;
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    g.strokeStyle = '#dde3ea';
    g.fillStyle = '#555';
    const maxLoss = Math.max(0.5, ...this.points.map((p) => p.loss));
    for (let i = 0; i <= 4; i++) {
      const y = top + ((height - top - bottom) * i) / 4;
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(width - right, y);
      g.stroke();
      g.fillText((maxLoss * (1 - i / 4)).toFixed(2), 4, y + 4);
      g.fillText((1 - i / 4).toFixed(2), width - right + 6, y + 4);
    }
    g.fillText('loss', 4, height - 6);
    g.fillText('accuracy', width - right - 10, height - 6);
    const n = Math.max(this.points.length, 2);
    const x = (i: number) => left + ((width - left - right) * i) / (n - 1);
    const y = (v: number, max: number) => top + (height - top - bottom) * (1 - v / max);
    g.strokeStyle = '#aab4c0';
    for (const end of this.epochEnds) {
      g.beginPath();
      g.moveTo(x(end - 1), top);
      g.lineTo(x(end - 1), height - bottom);
      g.stroke();
    }
    const line = (color: string, value: (p: { loss: number; accuracy: number }) => number, max: number) => {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      this.points.forEach((p, i) => (i === 0 ? g.moveTo(x(i), y(value(p), max)) : g.lineTo(x(i), y(value(p), max))));
      g.stroke();
      g.lineWidth = 1;
    };
    line('#e63946', (p) => p.loss, maxLoss);
    line('#457b9d', (p) => p.accuracy, 1);
  }
}
