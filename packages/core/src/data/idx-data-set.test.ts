// Your own IDX data (loadIdxDataSet: structure checked, no checksum), and data files that are not what
// they should be: the same specific errors raw and gzipped, special files and huge files refused unread.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFashionMnist, loadIdxDataSet } from './fashion-mnist.js';
import { encodeIdx } from './idx.js';
import { checksumsOf, dataErrorOf, syntheticFashionMnist, writeDataset } from './test-fixtures.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-idx-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadIdxDataSet', () => {
  it.each([true, false])('loads any data set in the layout without a checksum (gzip %s), with generic class names', async (gzip) => {
    const dir = tempDir();
    writeDataset(dir, syntheticFashionMnist(3, 6, 2), gzip);
    const data = await loadIdxDataSet(dir);
    expect([data.train.count, data.test.count]).toEqual([6, 2]);
    expect(data.classNames).toEqual(Array.from({ length: 10 }, (_, i) => `class ${i}`));
    // The same files as Fashion-MNIST fail its checksum: the official names keep it.
    expect((await dataErrorOf(loadFashionMnist({ dataDir: dir, download: false }))).message).toMatch(/has SHA-256 [0-9a-f]{12}… \(uncompressed\), expected/);
  });

  it.each<[string, (files: ReturnType<typeof syntheticFashionMnist>) => void, RegExp, boolean?]>([
    [
      'a wrong magic',
      (f) => (f['train-images-idx3-ubyte'] = Uint8Array.from([0x12, 0, 8, 3, ...f['train-images-idx3-ubyte'].subarray(4)])),
      /train-images-idx3-ubyte(\.gz)? is not an IDX file \(magic starts 0x12 0x00/,
      true,
    ],
    ['a float32 dtype', (f) => (f['train-labels-idx1-ubyte'][2] = 0x0d), /train-labels-idx1-ubyte(\.gz)? .*float32/, true],
    [
      'images not 28x28',
      (f) => (f['t10k-images-idx3-ubyte'] = encodeIdx([2, 14, 56], new Uint8Array(2 * 784))),
      /holds images of shape \[2, 14, 56\], expected \[N, 28, 28\]/,
    ],
    ['fewer labels than images', (f) => (f['train-labels-idx1-ubyte'] = encodeIdx([5], new Uint8Array(5))), /holds 5 labels for 6 images/],
    [
      'a label beyond the ten classes',
      (f) => (f['train-labels-idx1-ubyte'] = encodeIdx([6], Uint8Array.of(0, 1, 2, 10, 3, 4))),
      /has label 10 at index 3; labels must be 0\.\.9/,
    ],
    [
      'a truncated file',
      (f) => (f['t10k-labels-idx1-ubyte'] = f['t10k-labels-idx1-ubyte'].subarray(0, 9)),
      /t10k-labels-idx1-ubyte(\.gz)? is truncated: 9 bytes, but its header \[2\] needs 10/,
      true,
    ],
  ])('refuses %s with the same specific error raw and gzipped', async (_what, damage, message, withinOneFile) => {
    for (const gzip of [true, false]) {
      const dir = tempDir();
      const files = syntheticFashionMnist(3, 6, 2);
      const undamaged = checksumsOf(files);
      damage(files);
      writeDataset(dir, files, gzip);
      const error = await dataErrorOf(loadIdxDataSet(dir));
      expect(error.message).toMatch(message);
      expect(error.message).not.toMatch(/SHA-256/);
      if (!withinOneFile) continue; // a check across files comes after each file's checksum
      // As Fashion-MNIST with checksums the damaged file fails: its structure is checked first, so the same error.
      const asFashionMnist = await dataErrorOf(loadFashionMnist({ dataDir: dir, download: false, expectedChecksums: undamaged }));
      expect(asFashionMnist.message).toMatch(message);
    }
  });

  it('names missing files', async () => {
    const dir = tempDir();
    const files = syntheticFashionMnist(3, 6, 2);
    writeDataset(dir, { 'train-images-idx3-ubyte': files['train-images-idx3-ubyte'] });
    expect((await dataErrorOf(loadIdxDataSet(dir))).message).toMatch(
      /^no IDX data set in .*: missing train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte/,
    );
  });
});

describe('data files that must not be read', () => {
  it('a FIFO is refused, never opened for a blocking read', async () => {
    const dir = tempDir();
    const files = syntheticFashionMnist(3, 6, 2);
    const { 'train-labels-idx1-ubyte': _labels, ...others } = files;
    writeDataset(dir, others);
    execFileSync('mkfifo', [join(dir, 'train-labels-idx1-ubyte')]);
    expect((await dataErrorOf(loadIdxDataSet(dir))).message).toMatch(/train-labels-idx1-ubyte is a FIFO \(named pipe\), not a regular file/);
  });

  it('a multi-GB file is refused by its size before reading (a sparse file: no disk used)', async () => {
    const dir = tempDir();
    const files = syntheticFashionMnist(3, 6, 2);
    writeDataset(dir, files, false);
    const huge = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(huge, files['train-images-idx3-ubyte']);
    truncateSync(huge, 3 * 2 ** 30);
    const started = performance.now();
    expect((await dataErrorOf(loadIdxDataSet(dir))).message).toMatch(/train-images-idx3-ubyte is 3221225472 bytes, more than any IDX data file/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
