import { PNG } from 'pngjs';

/** Encodes 8-bit grayscale pixels (row-major) as a PNG; for the report's inline images. */
export function encodeGrayscalePng(pixels: Uint8Array, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, width * height);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
