import { DataError } from './data-error.js';
import { checksumError, expectedSha256, FASHION_MNIST_CLASS_NAMES } from './fashion-mnist-files.js';
import type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
import { DEFAULT_MAX_BYTES, isGzip, readIdx } from './idx.js';
import type { IdxArray } from './idx.js';
import type { DownloadProgressListener } from './progress.js';
import { fashionMnistSplit } from './split.js';
import type { FashionMnistSplit } from './split.js';

/** Options for fetchFashionMnist. */
export interface FetchFashionMnistOptions {
  /** The directory URL holding the four `.gz` files (or uncompressed ones), e.g. `/data/fashion-mnist/`. */
  readonly baseUrl: string | URL;
  /** Uncompressed SHA-256 overrides (hex), e.g. for generated test data. */
  readonly expectedChecksums?: FashionMnistChecksums;
  /** Called as each file's bytes arrive. */
  readonly onProgress?: DownloadProgressListener;
  /** The fetch to use (default globalThis.fetch). */
  readonly fetch?: typeof fetch;
}

/** Both splits, read from `source`. */
export interface FetchedFashionMnist {
  readonly train: FashionMnistSplit;
  readonly test: FashionMnistSplit;
  readonly source: string;
  readonly classNames: readonly string[];
}

/** Fetches, gunzips, verifies and checks the four Fashion-MNIST files below `baseUrl`. */
export async function fetchFashionMnist(options: FetchFashionMnistOptions): Promise<FetchedFashionMnist> {
  const base = new URL(String(options.baseUrl), (globalThis as { location?: { href: string } }).location?.href);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const fix = `serve the four Fashion-MNIST files (.gz) at ${base.href}`;
  const read = async (file: FashionMnistFile) => ({ path: new URL(`${file}.gz`, base).href, ...(await fetchIdx(base, file, fix, options)) });
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    read('train-images-idx3-ubyte'),
    read('train-labels-idx1-ubyte'),
    read('t10k-images-idx3-ubyte'),
    read('t10k-labels-idx1-ubyte'),
  ]);
  return {
    train: fashionMnistSplit(trainImages, trainLabels, fix),
    test: fashionMnistSplit(testImages, testLabels, fix),
    source: base.href,
    classNames: FASHION_MNIST_CLASS_NAMES,
  };
}

/** One file: `<file>.gz` below `base`, decompressed, its uncompressed SHA-256 checked, parsed as IDX. */
export async function fetchIdx(base: URL, file: FashionMnistFile, fix: string, options: Omit<FetchFashionMnistOptions, 'baseUrl'> = {}): Promise<IdxArray> {
  const url = new URL(`${file}.gz`, base).href;
  const fetcher = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetcher(url);
  } catch (error) {
    throw new DataError('download', `cannot fetch ${url} (${(error as Error).message}); ${fix}`);
  }
  if (!response.ok || !response.body) throw new DataError('download', `${url} answered HTTP ${response.status}; ${fix}`);
  const length = Number(response.headers.get('content-length') ?? NaN);
  const body = await readAll(response.body, DEFAULT_MAX_BYTES, (receivedBytes, done) =>
    options.onProgress?.({ file, url, receivedBytes, totalBytes: Number.isFinite(length) ? length : undefined, done }),
  );
  // A server that sent Content-Encoding: gzip has already had the body decoded by fetch.
  const raw = isGzip(body) ? await gunzip(body, url, fix) : body;
  const actual = await sha256Hex(raw);
  const expected = expectedSha256(file, options.expectedChecksums);
  if (actual !== expected) throw checksumError(url, actual, expected, fix);
  try {
    return readIdx(raw, { name: url });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(error.code, `${error.message}; ${fix}`);
  }
}

async function gunzip(bytes: Uint8Array, url: string, fix: string): Promise<Uint8Array> {
  try {
    const stream = new Response(bytes as Uint8Array<ArrayBuffer>).body!.pipeThrough(new DecompressionStream('gzip'));
    return await readAll(stream, DEFAULT_MAX_BYTES);
  } catch (error) {
    if (error instanceof DataError) throw new DataError('invalid', `${url} decompresses to more than ${DEFAULT_MAX_BYTES} bytes; ${fix}`);
    throw new DataError('invalid', `${url} is a corrupt or truncated gzip file (${(error as Error).message}); ${fix}`);
  }
}

/** Concatenates a byte stream, refusing more than `maxBytes` (a gzip bomb or a wrong URL). */
async function readAll(stream: ReadableStream<Uint8Array>, maxBytes: number, progress?: (received: number, done: boolean) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.length;
    if (received > maxBytes) {
      await reader.cancel();
      throw new DataError('invalid', `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
    progress?.(received, false);
  }
  progress?.(received, true);
  const out = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
