import { readdirSync, statSync } from 'node:fs';
import { DataError, loadFashionMnist, type FashionMnist, type LoadFashionMnistOptions } from '@lenet-ts/core/data';
import { describeErrno } from './files.js';

/**
 * Where to look for Fashion-MNIST besides --data-dir, and which checksums to expect (the defaults: the
 * environment's locations, the official files). For embedding the CLI, and for tests.
 */
export type DataLocations = Pick<LoadFashionMnistOptions, 'env' | 'cacheDir' | 'systemDir' | 'download' | 'expectedChecksums'>;

/**
 * Loads Fashion-MNIST for a command. A --data-dir that exists but cannot be listed, and file system
 * errors on the way (a cache path through a regular file), become one-line DataErrors too.
 */
export async function loadData(dataDir: string | undefined, locations: DataLocations = {}): Promise<FashionMnist> {
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
    return await loadFashionMnist({ ...locations, dataDir });
  } catch (error) {
    if (error instanceof DataError || !(error as NodeJS.ErrnoException).code) throw error;
    const { path } = error as NodeJS.ErrnoException;
    throw new DataError(
      'not-found',
      `cannot look for Fashion-MNIST at ${path ?? 'its locations'} (${describeErrno(error)}); check --data-dir, $LENET_DATA_DIR and $XDG_CACHE_HOME`,
    );
  }
}
