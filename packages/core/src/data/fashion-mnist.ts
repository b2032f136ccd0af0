import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { DataError } from './data-error.js';
import { downloadFashionMnist } from './download.js';
import type { DownloadOptions } from './download.js';
import { expectedSha256, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES } from './fashion-mnist-files.js';
import type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
import { FileTooLargeError, NotARegularFileError, readRegularFile } from '../node/file-kind.js';
import { gunzipIdx, parseIdx } from './gunzip-idx.js';
import { verifySha256 } from './verify-sha256.js';
import { fashionMnistSplit, type FashionMnistSplit } from './split.js';

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

const CLASS_COUNT = FASHION_MNIST_CLASS_NAMES.length;

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
    throw new DataError('not-found', `no Fashion-MNIST found in ${searched}; install the Debian package dataset-fashion-mnist or pass --data-dir`);
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

function explicitLocation(options: LoadFashionMnistOptions, env: Readonly<Record<string, string | undefined>>): Location | undefined {
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
      // Anything there counts (a FIFO, a directory): reading it then says what it is, not "missing".
      if (statSync(path, { throwIfNoEntry: false })) return path;
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

/** What the files are checked against: Fashion-MNIST's checksums (official or overridden), or nothing but their structure. */
type Verification = { readonly checksums: FashionMnistChecksums | undefined } | 'structure-only';

async function loadFrom(location: Location, checksums: FashionMnistChecksums | undefined | 'structure-only'): Promise<FashionMnist> {
  const verify: Verification = checksums === 'structure-only' ? checksums : { checksums };
  const train = await loadSplit(location, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte', verify);
  const test = await loadSplit(location, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', verify);
  const classNames = verify === 'structure-only' ? IDX_CLASS_NAMES : FASHION_MNIST_CLASS_NAMES;
  return { train, test, source: location.dir, origin: location.origin, classNames };
}

/** Names for the classes of a data set that is not Fashion-MNIST: its labels are all it says. */
const IDX_CLASS_NAMES: readonly string[] = Array.from({ length: CLASS_COUNT }, (_, i) => `class ${i}`);

/**
 * Loads another data set in Fashion-MNIST's layout (MNIST, KMNIST, your own): the four files under the
 * same names (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each optionally `.gz`) in `dir`, with every structural check (magic, dtype,
 * dims, sizes, image and label counts, labels 0..9 for LeNet's ten outputs) and no checksum.
 */
export async function loadIdxDataSet(dir: string): Promise<FashionMnist> {
  const location: Location = { dir, origin: 'data-dir', label: '--data-dir', fix: 'fix or replace the file' };
  const missing = missingFiles(dir);
  if (missing.length > 0) {
    throw new DataError('not-found', `no IDX data set in ${dir}: missing ${missing.join(', ')} (.gz or not); name the four files as Fashion-MNIST does`);
  }
  return loadFrom(location, 'structure-only');
}

async function loadSplit(location: Location, imagesFile: FashionMnistFile, labelsFile: FashionMnistFile, verify: Verification): Promise<FashionMnistSplit> {
  const images = await readVerifiedIdx(location, imagesFile, verify);
  const labels = await readVerifiedIdx(location, labelsFile, verify);
  return fashionMnistSplit(images, labels, location.fix);
}

/** Largest data file read: an IDX payload of 1 GiB (parseIdx's own limit) plus its header. */
const MAX_DATA_FILE_BYTES = 2 ** 30 + 4 + 4 * 8;

/**
 * Reads one regular file of bounded size (a FIFO or a multi-GB junk file is refused before reading),
 * parses it (gunzipping once) with the structural checks, then checks the SHA-256 of its uncompressed
 * bytes: structure first, so a raw file and its .gz get the same specific errors.
 */
async function readVerifiedIdx(location: Location, file: FashionMnistFile, verify: Verification): Promise<{ path: string; dims: number[]; data: Uint8Array }> {
  const path = findFile(location.dir, file);
  if (path === undefined) {
    throw new DataError('not-found', `${file} vanished from ${location.dir} while loading; run again`);
  }
  let raw: Uint8Array;
  let parsed: { dims: number[]; data: Uint8Array };
  try {
    raw = gunzipIdx(readRegularFile(path, MAX_DATA_FILE_BYTES), { name: path });
    parsed = parseIdx(raw, { name: path });
  } catch (error) {
    if (error instanceof NotARegularFileError) throw new DataError('invalid', `${path} is ${error.kind}, not a regular file; ${location.fix}`);
    if (error instanceof FileTooLargeError)
      throw new DataError('invalid', `${path} is ${error.size} bytes, more than any IDX data file (${MAX_DATA_FILE_BYTES}); ${location.fix}`);
    if (!(error instanceof DataError)) {
      throw new DataError('not-found', `cannot read ${path} (${(error as NodeJS.ErrnoException).code}); ${location.fix}`);
    }
    throw new DataError(error.code, `${error.message}; ${location.fix}`);
  }
  if (verify !== 'structure-only') verifySha256(raw, expectedSha256(file, verify.checksums), path, location.fix);
  return { path, ...parsed };
}
