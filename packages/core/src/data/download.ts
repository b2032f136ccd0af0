import { accessSync, constants as fsConstants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomic-file.js';
import { DataError } from './data-error.js';
import { expectedSha256, FASHION_MNIST_FILES } from './fashion-mnist-files.js';
import { verifySha256 } from './verify-sha256.js';
import type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
import { gunzipIdx } from './gunzip-idx.js';
import { isGzip } from './idx.js';
import { stderrProgress } from './progress.js';
import type { DownloadProgressListener } from './progress.js';

/** The official Fashion-MNIST mirror (Zalando's S3 bucket). */
export const DEFAULT_FASHION_MNIST_MIRROR = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';

/** Environment variable that overrides the mirror's base URL. */
export const MIRROR_ENV_VAR = 'LENET_FASHION_MNIST_MIRROR';

/** Options for downloadFashionMnist. */
export interface DownloadOptions {
  /** Base URL that serves `<file>.gz`; default $LENET_FASHION_MNIST_MIRROR, else the official mirror. */
  mirror?: string;
  /** Uncompressed SHA-256 overrides (hex) for files that are not the official ones, e.g. in tests. */
  expectedChecksums?: FashionMnistChecksums;
  /** Give up when no bytes arrive for this many milliseconds (connecting included). Default 30000. */
  timeoutMs?: number;
  /**
   * Give up when fewer than this many bytes per second arrived over the last `timeoutMs` (a mirror that
   * trickles a byte now and then never goes idle). Default 1024.
   */
  minBytesPerSecond?: number;
  /** Give up on a file that takes longer than this in all. Default 600000 (10 minutes). */
  totalTimeoutMs?: number;
  /** Progress listener, or false for none. Default: stderrProgress(). */
  progress?: DownloadProgressListener | false;
  /** Which files to fetch; default all four. */
  files?: readonly FashionMnistFile[];
  /** Where to read LENET_FASHION_MNIST_MIRROR; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

const MAX_DOWNLOAD_BYTES = 256 * 2 ** 20; // the largest official file is 26 MB gzipped, 47 MB raw
const MIRROR_FIX = `retry, or set ${MIRROR_ENV_VAR} to another mirror, or install the Debian package dataset-fashion-mnist`;

/**
 * Downloads the Fashion-MNIST files into `targetDir`, verifying each one's uncompressed SHA-256 before
 * renaming it into place, so the directory never holds a partial or wrong file. Returns the written paths.
 */
export async function downloadFashionMnist(targetDir: string, options: DownloadOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const mirror = mirrorBase(options.mirror ?? (env[MIRROR_ENV_VAR] || DEFAULT_FASHION_MNIST_MIRROR));
  const limits: TransferLimits = {
    idleMs: options.timeoutMs ?? 30_000,
    minBytesPerSecond: options.minBytesPerSecond ?? 1024,
    totalMs: options.totalTimeoutMs ?? 600_000,
  };
  const progress = options.progress === false ? undefined : (options.progress ?? stderrProgress());
  ensureWritableDir(targetDir);
  const written: string[] = [];
  for (const file of options.files ?? FASHION_MNIST_FILES) {
    const url = new URL(`${file}.gz`, mirror).href;
    const body = await fetchBytes(url, `${file}.gz`, limits, progress);
    // A server may send Content-Encoding: gzip, which fetch undoes; then we hold the raw IDX bytes.
    const gzipped = isGzip(body);
    if (!gzipped && !(body[0] === 0 && body[1] === 0 && body[2] === 0x08)) {
      throw new DataError('download', `${url} sent neither gzip nor IDX data (is the mirror URL right?); ${MIRROR_FIX}`);
    }
    let raw: Uint8Array;
    try {
      raw = gunzipIdx(body, { name: url });
    } catch (error) {
      throw new DataError('download', `${(error as Error).message}; ${MIRROR_FIX}`);
    }
    verifySha256(raw, expectedSha256(file, options.expectedChecksums), url, `the mirror sent a different file; ${MIRROR_FIX}`);
    const path = join(targetDir, gzipped ? `${file}.gz` : file);
    writeFileAtomically(path, body);
    written.push(path);
  }
  return written;
}

function mirrorBase(mirror: string): URL {
  try {
    return new URL(mirror.endsWith('/') ? mirror : `${mirror}/`);
  } catch {
    throw new DataError('download', `mirror "${mirror}" is not a URL; set ${MIRROR_ENV_VAR} to an http(s) base URL`);
  }
}

/** Creates the directory if missing and proves we can write there, before spending time downloading. */
function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, fsConstants.W_OK);
  } catch (error) {
    throw new DataError(
      'unwritable',
      `cannot write to ${dir} (${errorCode(error)}); set XDG_CACHE_HOME or --data-dir to a writable directory, or install the Debian package dataset-fashion-mnist`,
    );
  }
}

/** When a transfer is given up: nothing for `idleMs`, too slow over each `idleMs`, or longer than `totalMs`. */
interface TransferLimits {
  readonly idleMs: number;
  readonly minBytesPerSecond: number;
  readonly totalMs: number;
}

/** GETs a URL (following redirects) into memory, failing when the stream stalls, trickles, takes too long or ends early. */
async function fetchBytes(url: string, file: string, limits: TransferLimits, progress: DownloadProgressListener | undefined): Promise<Uint8Array> {
  const controller = new AbortController();
  let why = '';
  const abort = (reason: string) => {
    why = reason;
    controller.abort();
  };
  let receivedBytes = 0;
  let idle: NodeJS.Timeout | undefined;
  const rearm = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort(`sent nothing for ${limits.idleMs / 1000} s`), limits.idleMs);
  };
  // Each window of idleMs must bring at least minBytesPerSecond on average.
  let windowStart = 0;
  const rate = setInterval(() => {
    const got = receivedBytes - windowStart;
    windowStart = receivedBytes;
    // Nothing at all is the idle timer's to report.
    if (got > 0 && got < (limits.minBytesPerSecond * limits.idleMs) / 1000) {
      abort(`sent only ${got} bytes in ${limits.idleMs / 1000} s, slower than ${limits.minBytesPerSecond} bytes/s`);
    }
  }, limits.idleMs);
  const total = setTimeout(() => abort(`took more than ${limits.totalMs / 1000} s (${receivedBytes} bytes so far)`), limits.totalMs);
  try {
    rearm();
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DataError('download', `${url} answered HTTP ${response.status} ${response.statusText}; ${MIRROR_FIX}`);
    }
    // Content-Length counts encoded bytes; when fetch decodes the body we cannot compare against it.
    const lengthHeader = response.headers.get('content-length');
    const totalBytes = lengthHeader !== null && !response.headers.has('content-encoding') ? Number(lengthHeader) : undefined;
    const chunks: Uint8Array[] = [];
    // A fetch body is a stream of bytes (Fetch standard); undici's types leave its chunks `any`.
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    for (;;) {
      rearm();
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      receivedBytes += value.length;
      if (receivedBytes > MAX_DOWNLOAD_BYTES) {
        await reader.cancel();
        throw new DataError('download', `${url} sent more than ${MAX_DOWNLOAD_BYTES} bytes; ${MIRROR_FIX}`);
      }
      progress?.({ file, url, receivedBytes, totalBytes, done: false });
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new DataError('download', `${url} ended after ${receivedBytes} of ${totalBytes} bytes; ${MIRROR_FIX}`);
    }
    progress?.({ file, url, receivedBytes, totalBytes, done: true });
    return Buffer.concat(chunks, receivedBytes);
  } catch (error) {
    if (error instanceof DataError) throw error;
    if (controller.signal.aborted) throw new DataError('download', `${url} ${why}; ${MIRROR_FIX}`);
    throw new DataError('download', `could not download ${url} (${describeFetchError(error)}); ${MIRROR_FIX}`);
  } finally {
    clearTimeout(idle);
    clearTimeout(total);
    clearInterval(rate);
  }
}

/** The shared atomic writer, with the download's own words for a failure. */
function writeFileAtomically(path: string, bytes: Uint8Array): void {
  try {
    writeFileAtomic(path, bytes);
  } catch (error) {
    throw new DataError('unwritable', `cannot write ${path} (${errorCode(error)}); free some space or pick a writable --data-dir`);
  }
}

/** undici hides the useful part (ECONNREFUSED, "other side closed") in `cause`. */
function describeFetchError(error: unknown): string {
  const err = error as Error & { cause?: Error & { code?: string } };
  const cause = err.cause ? `: ${err.cause.code ?? err.cause.message}` : '';
  return `${err.message}${cause}`;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
