import { DataError, isGzip, parseIdx } from '@lenet-ts/core/data';
import { PNG } from 'pngjs';
import { readUserFile } from './files.js';
import { RunError } from './run-error.js';

/** Images to classify, as Fashion-MNIST stores them: 28x28 unsigned bytes, white on black. */
export interface ImageBatch {
  /** One name per image: the file, or `file#i` for the i-th image of an IDX file. */
  readonly names: string[];
  readonly images: Uint8Array;
  readonly count: number;
}

export const IMAGE_SIDE = 28;
const MAX_INPUT_BYTES = 256 * 2 ** 20;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const FIX_SIZE = `LeNet takes ${IMAGE_SIDE}x${IMAGE_SIDE} grayscale images, white on black like Fashion-MNIST; resize it to ${IMAGE_SIDE}x${IMAGE_SIDE}`;

/** Reads PNG files (one image each) and IDX image files (gzip or not, [N, 28, 28] or [28, 28]). */
export function readImages(paths: readonly string[]): ImageBatch {
  const names: string[] = [];
  const parts: Uint8Array[] = [];
  for (const path of paths) {
    const bytes = readUserFile(path, 'image file', MAX_INPUT_BYTES, 'pass 28x28 PNG files or an IDX image file');
    if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
      parts.push(decodePng(bytes, path));
      names.push(path);
    } else if (isGzip(bytes) || (bytes[0] === 0 && bytes[1] === 0)) {
      const images = decodeIdxImages(bytes, path);
      parts.push(images);
      const count = images.length / (IMAGE_SIDE * IMAGE_SIDE);
      for (let i = 0; i < count; i++) names.push(count === 1 ? path : `${path}#${i}`);
    } else {
      throw new RunError(`${path} is neither a PNG nor an IDX image file; pass 28x28 PNG files or an IDX file such as t10k-images-idx3-ubyte.gz`);
    }
  }
  const images = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    images.set(part, offset);
    offset += part.length;
  }
  return { names, images, count: names.length };
}

/** A 28x28 PNG of any colour type, as luminance composited on black (transparent pixels are background). */
function decodePng(bytes: Uint8Array, path: string): Uint8Array {
  // IHDR holds the size at bytes 16..23: check it before pngjs allocates anything.
  if (bytes.length < 24) throw new RunError(`${path} is a truncated PNG; pass a complete 28x28 PNG`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  if (width !== IMAGE_SIDE || height !== IMAGE_SIDE) throw new RunError(`${path} is ${width}x${height}; ${FIX_SIZE}`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new RunError(`${path} is not a readable PNG (${(error as Error).message}); pass a complete 28x28 PNG`);
  }
  const out = new Uint8Array(IMAGE_SIDE * IMAGE_SIDE);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b, a] = [png.data[4 * i]!, png.data[4 * i + 1]!, png.data[4 * i + 2]!, png.data[4 * i + 3]!];
    out[i] = Math.round(((0.299 * r + 0.587 * g + 0.114 * b) * a) / 255);
  }
  return out;
}

function decodeIdxImages(bytes: Uint8Array, path: string): Uint8Array {
  let idx;
  try {
    idx = parseIdx(bytes, { name: path, maxBytes: MAX_INPUT_BYTES });
  } catch (error) {
    if (error instanceof DataError) throw new RunError(`${error.message}; pass an intact IDX image file`);
    throw error;
  }
  const { dims, data } = idx;
  const [rows, cols] = dims.slice(-2);
  if ((dims.length !== 3 && dims.length !== 2) || rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new RunError(`${path} holds data of shape [${dims.join(', ')}], not [N, ${IMAGE_SIDE}, ${IMAGE_SIDE}] images; ${FIX_SIZE}`);
  }
  return data;
}
