// Used by this folder's tests only (not exported): small generated Fashion-MNIST look-alikes.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FashionMnistChecksums, FashionMnistFile } from './fashion-mnist-files.js';
import { expect } from 'vitest';
import { DataError } from './data-error.js';
import { encodeIdx } from './idx.js';

/** The uncompressed bytes of a tiny data set whose first training label is `marker`. */
export function syntheticFashionMnist(marker: number, trainCount = 5, testCount = 3): Record<FashionMnistFile, Uint8Array> {
  const images = (count: number, seed: number) =>
    encodeIdx(
      [count, 28, 28],
      Uint8Array.from({ length: count * 784 }, (_, i) => (i * 31 + seed) % 256),
    );
  const labels = (count: number, first: number) =>
    encodeIdx(
      [count],
      Uint8Array.from({ length: count }, (_, i) => (i === 0 ? first : i % 10)),
    );
  return {
    'train-images-idx3-ubyte': images(trainCount, marker),
    'train-labels-idx1-ubyte': labels(trainCount, marker),
    't10k-images-idx3-ubyte': images(testCount, marker + 1),
    't10k-labels-idx1-ubyte': labels(testCount, marker),
  };
}

/** SHA-256 of each file's uncompressed bytes, as loadFashionMnist's expectedChecksums wants them. */
export function checksumsOf(files: Record<FashionMnistFile, Uint8Array>): FashionMnistChecksums {
  const out: FashionMnistChecksums = {};
  for (const [file, bytes] of Object.entries(files) as [FashionMnistFile, Uint8Array][]) {
    out[file] = createHash('sha256').update(bytes).digest('hex');
  }
  return out;
}

/** Writes the files into `dir` (created if needed), gzipped as `<name>.gz` or raw as `<name>`. */
export function writeDataset(dir: string, files: Partial<Record<FashionMnistFile, Uint8Array>>, gzip = true): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) {
    writeFileSync(join(dir, gzip ? `${file}.gz` : file), gzip ? gzipSync(bytes) : bytes);
  }
}

/** Awaits a promise that must reject with a one-line DataError, and returns that error. */
export async function dataErrorOf(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => new Error('expected a DataError, got none'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataError);
  expect((error as DataError).message).not.toContain('\n');
  return error as DataError;
}
