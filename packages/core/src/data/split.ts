import type { Dataset } from '../dataset.js';
import { DataError } from './data-error.js';
import { FASHION_MNIST_CLASS_NAMES } from './fashion-mnist-files.js';

/** One split: `count` 28x28 unsigned-byte images (row-major, sampleShape [28, 28, 1]) and labels 0..9; a core Dataset. */
export interface FashionMnistSplit extends Dataset {
  readonly images: Uint8Array;
}

const IMAGE_SIDE = 28;
const CLASS_COUNT = FASHION_MNIST_CLASS_NAMES.length;

/** One parsed IDX file and the name (path or URL) its errors name. */
export interface NamedIdx {
  readonly path: string;
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

/** Checks that an images file and a labels file make one Fashion-MNIST split; `fix` ends every error. */
export function fashionMnistSplit(images: NamedIdx, labels: NamedIdx, fix: string): FashionMnistSplit {
  const bad = (problem: string) => new DataError('invalid', `${problem}; ${fix}`);
  const [count, rows, cols] = images.dims;
  if (count === undefined || images.dims.length !== 3 || rows !== IMAGE_SIDE || cols !== IMAGE_SIDE) {
    throw bad(`${images.path} holds images of shape [${images.dims.join(', ')}], expected [N, 28, 28]`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== count) {
    throw bad(`${labels.path} holds ${labels.dims.join('x')} labels for ${count} images in ${images.path}`);
  }
  if (count === 0) throw bad(`${images.path} holds no images`);
  const outOfRange = labels.data.findIndex((label) => label >= CLASS_COUNT);
  if (outOfRange >= 0) {
    throw bad(`${labels.path} has label ${labels.data[outOfRange]} at index ${outOfRange}; labels must be 0..${CLASS_COUNT - 1}`);
  }
  return { images: images.data, labels: labels.data, count, sampleShape: [IMAGE_SIDE, IMAGE_SIDE, 1] };
}
