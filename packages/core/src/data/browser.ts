// Fashion-MNIST in a browser or a Worker: the same IDX reader and split checks as in Node, with the files
// fetched from a URL, gunzipped by DecompressionStream and verified with crypto.subtle. No Node built-ins.
export { DataError } from './data-error.js';
export type { DataErrorCode } from './data-error.js';
export { encodeIdx, isGzip, readIdx } from './idx.js';
export type { IdxArray, IdxReadOptions } from './idx.js';
export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES, FASHION_MNIST_SHA256 } from './fashion-mnist-files.js';
export type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
export { fashionMnistSplit } from './split.js';
export type { FashionMnistSplit, NamedIdx } from './split.js';
export { fetchFashionMnist, fetchIdx } from './fetch-fashion-mnist.js';
export type { FetchedFashionMnist, FetchFashionMnistOptions } from './fetch-fashion-mnist.js';
export type { DownloadProgress, DownloadProgressListener } from './progress.js';
