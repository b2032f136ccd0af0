import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  /** The true class of each image, when an IDX labels file came with them. */
  readonly labels?: Uint8Array;
  /** The labels file read, for the accuracy line. */
  readonly labelsPath?: string;
  /** Why the image may be misread (looks inverted), one line each. */
  readonly warnings: string[];
}

export interface ReadImageOptions {
  /** Resize any PNG or JPEG to 28x28 (grayscale) instead of refusing other sizes. */
  readonly resize?: boolean;
  /** Invert PNG and JPEG images (dark object on light background becomes Fashion-MNIST's light on black). */
  readonly invert?: boolean;
  /** Only the first N images of an IDX file. */
  readonly limit?: number;
  /** The IDX labels file of an IDX image file; default: the one beside it (t10k-images-... -> t10k-labels-...). */
  readonly labels?: string;
}

export const IMAGE_SIDE = 28;
const PIXELS = IMAGE_SIDE * IMAGE_SIDE;
const MAX_INPUT_BYTES = 256 * 2 ** 20;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
const FIX_SIZE = `LeNet takes ${IMAGE_SIDE}x${IMAGE_SIDE} grayscale images, white on black like Fashion-MNIST; pass --resize to scale it`;
/** A light border (mean above this, of 255) means a light background: Fashion-MNIST's is black. */
const LIGHT_BACKGROUND = 128;

/**
 * Reads one PNG or JPEG file (one image) or IDX image file (gzip or not, [N, 28, 28] or [28, 28]).
 * Throws a one-line RunError when the file cannot be used.
 */
export async function readImageFile(path: string, options: ReadImageOptions = {}): Promise<ImageBatch> {
  const bytes = readUserFile(path, 'image file', MAX_INPUT_BYTES, 'pass PNG or JPEG files or an IDX image file');
  const isPng = PNG_SIGNATURE.every((b, i) => bytes[i] === b);
  const isJpeg = JPEG_SIGNATURE.every((b, i) => bytes[i] === b);
  if (isPng || isJpeg) {
    if (options.labels) throw new RunError(`--labels applies to IDX image files, not ${path}`);
    let pixels = options.resize ? await decodeResized(bytes, path) : isPng ? decodePng(bytes, path) : refuseJpeg(path);
    const warnings: string[] = [];
    if (options.invert) pixels = pixels.map((v) => 255 - v);
    else if (borderMean(pixels) > LIGHT_BACKGROUND) {
      warnings.push(`warning: ${path} looks inverted (dark object on a light background; Fashion-MNIST is light on black); pass --invert if it is`);
    }
    return { names: [path], images: pixels, count: 1, warnings };
  }
  if (isGzip(bytes) || (bytes[0] === 0 && bytes[1] === 0)) {
    let images = decodeIdxImages(bytes, path);
    if (options.limit !== undefined) images = images.subarray(0, Math.min(options.limit, images.length / PIXELS) * PIXELS);
    const count = images.length / PIXELS;
    const names = Array.from({ length: count }, (_, i) => (count === 1 && !options.limit ? path : `${path}#${i}`));
    const labelsPath = options.labels ?? labelsBeside(path);
    const labels = labelsPath ? readLabels(labelsPath, count, path) : undefined;
    return { names, images, count, labels, labelsPath: labels ? labelsPath : undefined, warnings: [] };
  }
  throw new RunError(`${path} is neither a PNG, a JPEG nor an IDX image file; pass PNG or JPEG files or an IDX file such as t10k-images-idx3-ubyte.gz`);
}

function refuseJpeg(path: string): never {
  throw new RunError(`${path} is a JPEG; pass --resize to read it as a ${IMAGE_SIDE}x${IMAGE_SIDE} grayscale image`);
}

/** A 28x28 PNG of any colour type, as luminance composited on black (transparent pixels are background). */
function decodePng(bytes: Uint8Array, path: string): Uint8Array {
  // IHDR holds the size at bytes 16..23: check it before pngjs allocates anything.
  if (bytes.length < 24) throw new RunError(`${path} is a truncated PNG; pass a complete PNG`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [width, height] = [view.getUint32(16), view.getUint32(20)];
  if (width !== IMAGE_SIDE || height !== IMAGE_SIDE) throw new RunError(`${path} is ${width}x${height}; ${FIX_SIZE}`);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new RunError(`${path} is not a readable PNG (${(error as Error).message}); pass a complete PNG`);
  }
  return luminance(png.data);
}

/**
 * Any PNG or JPEG as a 28x28 grayscale image, by jimp (pure JavaScript: no native binary to install,
 * unlike sharp, so it works wherever Node does). Transparent pixels are background, as in decodePng.
 */
async function decodeResized(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  // Loaded here, not at the top: importing jimp costs every command (train included) a quarter second or more.
  const { Jimp } = await import('jimp');
  let image;
  try {
    image = await Jimp.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new RunError(`${path} is not a readable image (${(error as Error).message}); pass a complete PNG or JPEG`);
  }
  image.resize({ w: IMAGE_SIDE, h: IMAGE_SIDE });
  return luminance(image.bitmap.data);
}

/** RGBA bytes as luminance composited on black. */
function luminance(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(PIXELS);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b, a] = [rgba[4 * i]!, rgba[4 * i + 1]!, rgba[4 * i + 2]!, rgba[4 * i + 3]!];
    out[i] = Math.round(((0.299 * r + 0.587 * g + 0.114 * b) * a) / 255);
  }
  return out;
}

/** Mean of the outermost ring of pixels: the background, for a centred object. */
function borderMean(pixels: Uint8Array): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    for (let x = 0; x < IMAGE_SIDE; x++) {
      if (y !== 0 && y !== IMAGE_SIDE - 1 && x !== 0 && x !== IMAGE_SIDE - 1) continue;
      sum += pixels[y * IMAGE_SIDE + x]!;
      n++;
    }
  }
  return sum / n;
}

function decodeIdxImages(bytes: Uint8Array, path: string): Uint8Array {
  const { dims, data } = readIdx(bytes, path, 'image');
  const [rows, cols] = dims.slice(-2);
  if ((dims.length !== 3 && dims.length !== 2) || rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw new RunError(
      `${path} holds data of shape [${dims.join(', ')}], not [N, ${IMAGE_SIDE}, ${IMAGE_SIDE}] images; pass an IDX file of ${IMAGE_SIDE}x${IMAGE_SIDE} images`,
    );
  }
  return data;
}

function readIdx(bytes: Uint8Array, path: string, what: string) {
  try {
    return parseIdx(bytes, { name: path, maxBytes: MAX_INPUT_BYTES });
  } catch (error) {
    if (error instanceof DataError) throw new RunError(`${error.message}; pass an intact IDX ${what} file`);
    throw error;
  }
}

/** Fashion-MNIST's naming: `t10k-images-idx3-ubyte[.gz]` has its labels in `t10k-labels-idx1-ubyte[.gz]`. */
function labelsBeside(imagesPath: string): string | undefined {
  const name = basename(imagesPath);
  if (!name.includes('images-idx3-ubyte')) return undefined;
  const stem = name.replace('images-idx3-ubyte', 'labels-idx1-ubyte').replace(/\.gz$/, '');
  return [stem, `${stem}.gz`].map((n) => join(dirname(imagesPath), n)).find((p) => existsSync(p));
}

/** The first `count` labels, each a class index. */
function readLabels(path: string, count: number, imagesPath: string): Uint8Array {
  const { dims, data } = readIdx(readUserFile(path, 'labels file', MAX_INPUT_BYTES, 'pass --labels an IDX labels file'), path, 'labels');
  if (dims.length !== 1 || data.length < count) {
    throw new RunError(
      `${path} holds ${dims.length === 1 ? `${data.length} labels` : `data of shape [${dims.join(', ')}]`}, not one label for each of the ${count} images of ${imagesPath}; pass --labels the matching labels file`,
    );
  }
  return data.subarray(0, count);
}
