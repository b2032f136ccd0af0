import { readdirSync, statSync } from 'node:fs';
import { DataError, loadFashionMnist, loadIdxDataSet, type FashionMnist, type LoadFashionMnistOptions } from '@lenet-ts/core/data';
import { UsageError } from './backends.js';
import { describeErrno } from './files.js';

/**
 * Where to look for Fashion-MNIST besides --data-dir, and which checksums to expect (the defaults: the
 * environment's locations, the official files). For embedding the CLI, and for tests.
 */
export type DataLocations = Pick<LoadFashionMnistOptions, 'env' | 'cacheDir' | 'systemDir' | 'download' | 'expectedChecksums'>;

/**
 * `--dataset`: Fashion-MNIST (found as below, checked against its official checksums), or `idx`: any data
 * set of 28x28 images and labels 0..9 in --data-dir, under Fashion-MNIST's four file names (.gz or not),
 * with every structural check and no checksum.
 */
export const DATASETS = ['fashion-mnist', 'idx'] as const;
export type DatasetName = (typeof DATASETS)[number];

/** A loaded data set and how to name it in the `Data:` line. */
export type LoadedData = FashionMnist & { readonly title: string };

/**
 * Loads the data set for a command. A --data-dir that exists but cannot be listed, and file system
 * errors on the way (a cache path through a regular file), become one-line DataErrors too.
 */
export async function loadData(dataDir: string | undefined, locations: DataLocations = {}, dataset: DatasetName = 'fashion-mnist'): Promise<LoadedData> {
  if (dataset === 'idx' && dataDir === undefined) throw new UsageError('--dataset idx needs --data-dir DIR, the directory that holds its four IDX files');
  if (dataDir !== undefined) {
    const fix = 'pass --data-dir the directory that holds the four Fashion-MNIST files';
    let stat;
    try {
      stat = statSync(dataDir, { throwIfNoEntry: false });
      if (stat?.isDirectory()) readdirSync(dataDir);
    } catch (error) {
      throw new DataError('not-found', `cannot read --data-dir ${dataDir} (${describeErrno(error)}); ${fix}`);
    }
    if (stat && !stat.isDirectory()) throw new DataError('not-found', `--data-dir ${dataDir} is a file, not a directory; ${fix}`);
  }
  try {
    if (dataset === 'idx') return { ...(await loadIdxDataSet(dataDir!)), title: 'IDX data set (no checksum)' };
    return { ...(await loadFashionMnist({ ...locations, dataDir })), title: 'Fashion-MNIST' };
  } catch (error) {
    if (error instanceof DataError || !(error as NodeJS.ErrnoException).code) throw error;
    const { path } = error as NodeJS.ErrnoException;
    throw new DataError(
      'not-found',
      `cannot look for Fashion-MNIST at ${path ?? 'its locations'} (${describeErrno(error)}); check --data-dir, $LENET_DATA_DIR and $XDG_CACHE_HOME`,
    );
  }
}
