// Fashion-MNIST for Node: an IDX reader, a verifying loader that finds or downloads the files.
// (Browsers get ./browser.ts through the package's `browser` export condition.)
export { DataError } from './data-error.js';
export type { DataErrorCode } from './data-error.js';
export { encodeIdx, isGzip, readIdx } from './idx.js';
export { gunzipIdx, parseIdx } from './gunzip-idx.js';
export type { IdxArray, IdxReadOptions } from './idx.js';
export { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES, FASHION_MNIST_SHA256 } from './fashion-mnist-files.js';
export type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
export { fashionMnistSplit } from './split.js';
export type { FashionMnistSplit, NamedIdx } from './split.js';
export { DATA_DIR_ENV_VARS, defaultCacheDir, loadFashionMnist, loadIdxDataSet, SYSTEM_FASHION_MNIST_DIR } from './fashion-mnist.js';
export type { FashionMnist, FashionMnistOrigin, LoadFashionMnistOptions } from './fashion-mnist.js';
export { DEFAULT_FASHION_MNIST_MIRROR, downloadFashionMnist, MIRROR_ENV_VAR } from './download.js';
export type { DownloadOptions } from './download.js';
export { stderrProgress } from './progress.js';
export type { DownloadProgress, DownloadProgressListener } from './progress.js';
