import { DataError } from './data-error.js';

/** The four official Fashion-MNIST files, by their uncompressed names. */
export const FASHION_MNIST_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

/** One of the four official Fashion-MNIST file names (without `.gz`). */
export type FashionMnistFile = (typeof FASHION_MNIST_FILES)[number];

/** SHA-256 of each file's *uncompressed* bytes (Debian recompresses the gzip files, so those differ). */
export const FASHION_MNIST_SHA256: Readonly<Record<FashionMnistFile, string>> = {
  'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
};

/** The ten Fashion-MNIST classes, indexed by label. */
export const FASHION_MNIST_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Per-file SHA-256 overrides (hex), e.g. for generated test files; missing entries use the official ones. */
export type FashionMnistChecksums = Partial<Record<FashionMnistFile, string>>;

/** The expected uncompressed SHA-256 of a file, honouring overrides. */
export function expectedSha256(file: FashionMnistFile, overrides: FashionMnistChecksums = {}): string {
  return (overrides[file] ?? FASHION_MNIST_SHA256[file]).toLowerCase();
}

/** The checksum DataError: `where` had SHA-256 `actual` instead of `expected` (both hex); `fix` says what to do. */
export function checksumError(where: string, actual: string, expected: string, fix: string): DataError {
  return new DataError('checksum', `${where} has SHA-256 ${actual.slice(0, 12)}… (uncompressed), expected ${expected.slice(0, 12)}…; ${fix}`);
}
