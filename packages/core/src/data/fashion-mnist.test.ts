import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FASHION_MNIST_FILES } from './fashion-mnist-files.js';
import { defaultCacheDir, loadFashionMnist, SYSTEM_FASHION_MNIST_DIR } from './fashion-mnist.js';
import type { LoadFashionMnistOptions } from './fashion-mnist.js';
import { encodeIdx } from './idx.js';
import { checksumsOf, syntheticFashionMnist, writeDataset, dataErrorOf } from './test-fixtures.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-data-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadFashionMnist on the official files from the Debian package', () => {
  // An empty cache and an empty environment, so only the system directory can answer.
  const fromSystem = () => loadFashionMnist({ env: {}, cacheDir: join(tempDir(), 'cache'), download: false });

  it('finds them in /usr/share/datasets/fashion-mnist with 60000 training and 10000 test images', async () => {
    const data = await fromSystem();
    expect(data.origin).toBe('system');
    expect(data.source).toBe(SYSTEM_FASHION_MNIST_DIR);
    expect([data.train.count, data.test.count]).toEqual([60000, 10000]);
    expect(data.train.images.length).toBe(60000 * 784);
    expect(data.train.labels.length).toBe(60000);
    expect(data.test.images.length).toBe(10000 * 784);
    expect(data.train.sampleShape).toEqual([28, 28, 1]);
    expect(data.classNames[9]).toBe('Ankle boot');
  });

  it('reads the known first labels of each split', async () => {
    const data = await fromSystem();
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(data.test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('gives the published training pixel mean and std (0.2860406 / 0.3530242 of 255)', async () => {
    const { images } = (await fromSystem()).train;
    let sum = 0;
    let sumSquares = 0;
    for (const pixel of images) {
      sum += pixel;
      sumSquares += pixel * pixel;
    }
    const mean = sum / images.length / 255;
    const std = Math.sqrt(sumSquares / images.length / 255 ** 2 - mean ** 2);
    expect(mean).toBeCloseTo(0.2860406, 6);
    expect(std).toBeCloseTo(0.3530242, 6);
  });

  it('has ten classes of 6000 training images each', async () => {
    const counts = new Array<number>(10).fill(0);
    for (const label of (await fromSystem()).train.labels) counts[label]!++;
    expect(counts).toEqual(new Array(10).fill(6000));
  });

  it('fails the checksum when one pixel of an official file changes', async () => {
    const dir = tempDir();
    for (const file of FASHION_MNIST_FILES) copyFileSync(join(SYSTEM_FASHION_MNIST_DIR, `${file}.gz`), join(dir, `${file}.gz`));
    const images = gunzipSync(readFileSync(join(SYSTEM_FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz')));
    images[5000]! ^= 1;
    rmSync(join(dir, 't10k-images-idx3-ubyte.gz'));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images); // uncompressed files are accepted too
    const error = await dataErrorOf(loadFashionMnist({ dataDir: dir }));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(new RegExp(`^${dir}/t10k-images-idx3-ubyte has SHA-256 \\w{12}… \\(uncompressed\\), expected 5b4141f0afba…; replace it`));
  });
});

describe('loadFashionMnist resolution order', () => {
  // The same small generated data set goes into every candidate dir; `source` tells which one won.
  const files = syntheticFashionMnist(7);
  const expectedChecksums = checksumsOf(files);

  /** Temp candidate dirs; those named in `filled` get the data set. */
  function candidates(...filled: ('data' | 'lenetEnv' | 'fashionEnv' | 'cache' | 'system')[]) {
    const root = tempDir();
    const dirs = {
      data: join(root, 'data'),
      lenetEnv: join(root, 'lenet-env'),
      fashionEnv: join(root, 'fashion-env'),
      cache: join(root, 'cache'),
      system: join(root, 'system'),
    };
    for (const name of filled) writeDataset(dirs[name], files);
    const options: LoadFashionMnistOptions = {
      env: { LENET_DATA_DIR: undefined, FASHION_MNIST_DIR: undefined },
      cacheDir: dirs.cache,
      systemDir: dirs.system,
      expectedChecksums,
      download: false,
    };
    return { dirs, options };
  }

  it('uses options.dataDir over the env vars, the cache and the system dir', async () => {
    const { dirs, options } = candidates('data', 'lenetEnv', 'cache', 'system');
    const data = await loadFashionMnist({ ...options, dataDir: dirs.data, env: { LENET_DATA_DIR: dirs.lenetEnv } });
    expect([data.origin, data.source]).toEqual(['data-dir', dirs.data]);
    expect(Array.from(data.train.labels)).toEqual([7, 1, 2, 3, 4]);
    expect(data.test.count).toBe(3);
  });

  it('uses $LENET_DATA_DIR over $FASHION_MNIST_DIR and the cache', async () => {
    const { dirs, options } = candidates('lenetEnv', 'fashionEnv', 'cache');
    const env = { LENET_DATA_DIR: dirs.lenetEnv, FASHION_MNIST_DIR: dirs.fashionEnv };
    const data = await loadFashionMnist({ ...options, env });
    expect([data.origin, data.source]).toEqual(['env', dirs.lenetEnv]);
  });

  it('uses $FASHION_MNIST_DIR when $LENET_DATA_DIR is unset', async () => {
    const { dirs, options } = candidates('fashionEnv', 'cache');
    const data = await loadFashionMnist({ ...options, env: { FASHION_MNIST_DIR: dirs.fashionEnv } });
    expect(data.source).toBe(dirs.fashionEnv);
  });

  it('uses the cache over the system dir', async () => {
    const { dirs, options } = candidates('cache', 'system');
    const data = await loadFashionMnist(options);
    expect([data.origin, data.source]).toEqual(['cache', dirs.cache]);
  });

  it('falls through to the system dir when the cache is missing or incomplete', async () => {
    const { dirs, options } = candidates('system');
    expect((await loadFashionMnist(options)).source).toBe(dirs.system);
    writeDataset(dirs.cache, { 'train-images-idx3-ubyte': files['train-images-idx3-ubyte'] });
    expect((await loadFashionMnist(options)).source).toBe(dirs.system);
  });

  it('puts the default cache under $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/lenet-ts/fashion-mnist');
    expect(defaultCacheDir({})).toMatch(/\/\.cache\/lenet-ts\/fashion-mnist$/);
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' })).toBe(defaultCacheDir({})); // the spec says ignore it
  });

  it('says where it looked and how to fix it when nothing is found and downloading is off', async () => {
    const { dirs, options } = candidates();
    const error = await dataErrorOf(loadFashionMnist(options));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(
      `no Fashion-MNIST found in ${dirs.cache} (user cache), ${dirs.system} (Debian dataset-fashion-mnist); ` +
        'install the Debian package dataset-fashion-mnist or pass --data-dir',
    );
  });

  it('does not fall back from a --data-dir that lacks files, and names the missing ones', async () => {
    const { dirs, options } = candidates('cache', 'system');
    writeDataset(dirs.data, { 'train-images-idx3-ubyte': files['train-images-idx3-ubyte'] });
    const error = await dataErrorOf(loadFashionMnist({ ...options, dataDir: dirs.data }));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte \(\.gz or not\)/);
  });

  it('accepts a mix of gzip and uncompressed files', async () => {
    const { dirs, options } = candidates();
    writeDataset(dirs.data, { 'train-images-idx3-ubyte': files['train-images-idx3-ubyte'] }, false);
    const { 'train-images-idx3-ubyte': _, ...rest } = files;
    writeDataset(dirs.data, rest, true);
    expect((await loadFashionMnist({ ...options, dataDir: dirs.data })).train.count).toBe(5);
  });

  it('checks the official checksums unless overridden', async () => {
    const { dirs, options } = candidates('data');
    const error = await dataErrorOf(loadFashionMnist({ ...options, dataDir: dirs.data, expectedChecksums: {} }));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/train-images-idx3-ubyte\.gz has SHA-256 .* expected c59f468a2f67…; replace it/);
  });

  it('tells the cache user to delete a bad file so it downloads again', async () => {
    const { dirs, options } = candidates('cache', 'system');
    writeFileSync(join(dirs.cache, 't10k-labels-idx1-ubyte.gz'), Uint8Array.of(0x1f, 0x8b, 8, 0));
    const error = await dataErrorOf(loadFashionMnist(options));
    expect(error.message).toMatch(/t10k-labels-idx1-ubyte\.gz is a corrupt or truncated gzip file .*; delete it and run again/);
  });
});

describe('loadFashionMnist content checks (generated files with matching checksums)', () => {
  /** Loads a data dir where `replace` swaps in other files, with checksums that match them. */
  async function loadWith(replace: Partial<ReturnType<typeof syntheticFashionMnist>>) {
    const files = { ...syntheticFashionMnist(0), ...replace };
    const dir = tempDir();
    writeDataset(dir, files);
    return loadFashionMnist({ dataDir: dir, expectedChecksums: checksumsOf(files) });
  }

  it('rejects labels of 10 or more', async () => {
    const labels = encodeIdx([5], Uint8Array.of(1, 2, 10, 3, 4));
    const error = await dataErrorOf(loadWith({ 'train-labels-idx1-ubyte': labels }));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/train-labels-idx1-ubyte\.gz has label 10 at index 2; labels must be 0\.\.9; replace it/);
  });

  it('rejects a label count that differs from the image count', async () => {
    const error = await dataErrorOf(loadWith({ 't10k-labels-idx1-ubyte': encodeIdx([4], new Uint8Array(4)) }));
    expect(error.message).toMatch(/t10k-labels-idx1-ubyte\.gz holds 4 labels for 3 images/);
  });

  it('rejects images that are not 28x28', async () => {
    const error = await dataErrorOf(loadWith({ 'train-images-idx3-ubyte': encodeIdx([5, 32, 32], new Uint8Array(5 * 1024)) }));
    expect(error.message).toMatch(/holds images of shape \[5, 32, 32\], expected \[N, 28, 28\]/);
  });
});
