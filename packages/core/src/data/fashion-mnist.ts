import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { FashionMnistSplit } from './split.js';
import { DataError } from './data-error.js';
import { downloadFashionMnist } from './download.js';
import type { DownloadOptions } from './download.js';
import {
  expectedSha256,
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_FILES,
} from './fashion-mnist-files.js';
import type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
import { gunzipIdx, parseIdx } from './gunzip-idx.js';
import { fashionMnistSplit } from './split.js';
import { verifySha256 } from './verify-sha256.js';

/** Where the files were found: --data-dir, an env var, the user cache, the Debian package, or a fresh download. */
export type FashionMnistOrigin = 'data-dir' | 'env' | 'cache' | 'system' | 'download';

/** The loaded, verified data set. */
export interface FashionMnist {
  train: FashionMnistSplit;
  test: FashionMnistSplit;
  /** The directory the files were read from. */
  source: string;
  origin: FashionMnistOrigin;
  classNames: readonly string[];
}

/** Options for loadFashionMnist; every field is optional. */
export interface LoadFashionMnistOptions {
  /** Directory holding the four files (e.g. --data-dir); when given, the only place looked at. */
  dataDir?: string;
  /** Environment for LENET_DATA_DIR, FASHION_MNIST_DIR, XDG_CACHE_HOME, LENET_FASHION_MNIST_MIRROR; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** User cache directory; default $XDG_CACHE_HOME/lenet-ts/fashion-mnist or ~/.cache/lenet-ts/fashion-mnist. */
  cacheDir?: string;
  /** System directory; default /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist). */
  systemDir?: string;
  /** Uncompressed SHA-256 overrides (hex) for non-official files, e.g. generated test data. */
  expectedChecksums?: FashionMnistChecksums;
  /** How to download into the cache when nothing is found, or false to never download. Default {}. */
  download?: false | Omit<DownloadOptions, 'expectedChecksums' | 'env' | 'files'>;
}

/** The directory the Debian package dataset-fashion-mnist installs the official files into. */
export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Environment variables naming a directory that holds the four files, in priority order. */
export const DATA_DIR_ENV_VARS = ['LENET_DATA_DIR', 'FASHION_MNIST_DIR'] as const;


interface Location {
  dir: string;
  origin: FashionMnistOrigin;
  /** How a user would call this place in an error message. */
  label: string;
  /** What to do when a file here is bad. */
  fix: string;
}

/**
 * Finds, verifies and loads Fashion-MNIST: options.dataDir, else $LENET_DATA_DIR / $FASHION_MNIST_DIR,
 * else the user cache, else /usr/share/datasets/fashion-mnist, else a download into the user cache.
 */
export async function loadFashionMnist(options: LoadFashionMnistOptions = {}): Promise<FashionMnist> {
  const env = options.env ?? process.env;
  const explicit = explicitLocation(options, env);
  if (explicit) {
    const missing = missingFiles(explicit.dir);
    if (missing.length > 0) {
      throw new DataError(
        'not-found',
        `no Fashion-MNIST in ${explicit.dir} (${explicit.label}): missing ${missing.join(', ')} (.gz or not); put the official files there, or leave out ${explicit.label} to use the cache or the Debian package dataset-fashion-mnist`,
      );
    }
    return loadFrom(explicit, options.expectedChecksums);
  }

  const cache: Location = {
    dir: options.cacheDir ?? defaultCacheDir(env),
    origin: 'cache',
    label: 'user cache',
    fix: 'delete it and run again to download a fresh copy',
  };
  const system: Location = {
    dir: options.systemDir ?? SYSTEM_FASHION_MNIST_DIR,
    origin: 'system',
    label: 'Debian dataset-fashion-mnist',
    fix: 'reinstall the Debian package dataset-fashion-mnist',
  };
  for (const location of [cache, system]) {
    if (missingFiles(location.dir).length === 0) return loadFrom(location, options.expectedChecksums);
  }

  const searched = `${cache.dir} (${cache.label}), ${system.dir} (${system.label})`;
  if (options.download === false) {
    throw new DataError(
      'not-found',
      `no Fashion-MNIST found in ${searched}; install the Debian package dataset-fashion-mnist or pass --data-dir`,
    );
  }
  try {
    // Only the missing files: the cache may hold some from an interrupted earlier download.
    await downloadFashionMnist(cache.dir, {
      ...options.download,
      env,
      expectedChecksums: options.expectedChecksums,
      files: missingFiles(cache.dir),
    });
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(error.code, `no Fashion-MNIST found in ${searched}, and downloading failed: ${error.message}`);
  }
  return loadFrom({ ...cache, origin: 'download' }, options.expectedChecksums);
}

/** The user cache directory for Fashion-MNIST, following the XDG base directory spec. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  // The spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'lenet-ts', 'fashion-mnist');
}

function explicitLocation(
  options: LoadFashionMnistOptions,
  env: Readonly<Record<string, string | undefined>>,
): Location | undefined {
  const fix = 'replace it with the official file';
  if (options.dataDir) return { dir: options.dataDir, origin: 'data-dir', label: '--data-dir', fix };
  for (const name of DATA_DIR_ENV_VARS) {
    const dir = env[name];
    if (dir) return { dir, origin: 'env', label: `$${name}`, fix };
  }
  return undefined;
}

/** The file's path in `dir`, preferring the uncompressed copy, or undefined when neither exists. */
function findFile(dir: string, file: FashionMnistFile): string | undefined {
  for (const path of [join(dir, file), join(dir, `${file}.gz`)]) {
    try {
      if (statSync(path, { throwIfNoEntry: false })?.isFile()) return path;
    } catch (error) {
      // A path through a regular file (ENOTDIR) holds nothing; throwIfNoEntry only covers ENOENT.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
  }
  return undefined;
}

function missingFiles(dir: string): FashionMnistFile[] {
  return FASHION_MNIST_FILES.filter((file) => findFile(dir, file) === undefined);
}

async function loadFrom(location: Location, checksums: FashionMnistChecksums | undefined): Promise<FashionMnist> {
  const train = await loadSplit(location, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte', checksums);
  const test = await loadSplit(location, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', checksums);
  return { train, test, source: location.dir, origin: location.origin, classNames: FASHION_MNIST_CLASS_NAMES };
}

async function loadSplit(
  location: Location,
  imagesFile: FashionMnistFile,
  labelsFile: FashionMnistFile,
  checksums: FashionMnistChecksums | undefined,
): Promise<FashionMnistSplit> {
  const images = await readVerifiedIdx(location, imagesFile, checksums);
  const labels = await readVerifiedIdx(location, labelsFile, checksums);
  return fashionMnistSplit(images, labels, location.fix);
}

/** Reads one file, checks the SHA-256 of its uncompressed bytes, and parses it (gunzipping once). */
async function readVerifiedIdx(
  location: Location,
  file: FashionMnistFile,
  checksums: FashionMnistChecksums | undefined,
): Promise<{ path: string; dims: number[]; data: Uint8Array }> {
  const path = findFile(location.dir, file);
  if (path === undefined) {
    throw new DataError('not-found', `${file} vanished from ${location.dir} while loading; run again`);
  }
  let raw: Uint8Array;
  try {
    raw = gunzipIdx(await readFile(path), { name: path });
  } catch (error) {
    if (!(error instanceof DataError)) {
      throw new DataError('not-found', `cannot read ${path} (${(error as NodeJS.ErrnoException).code}); ${location.fix}`);
    }
    throw new DataError(error.code, `${error.message}; ${location.fix}`);
  }
  verifySha256(raw, expectedSha256(file, checksums), path, location.fix);
  try {
    return { path, ...parseIdx(raw, { name: path }) };
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new DataError(error.code, `${error.message}; ${location.fix}`);
  }
}
