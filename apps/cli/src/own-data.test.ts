// `--dataset idx --data-dir DIR`: train and evaluate on any IDX set in Fashion-MNIST's layout, with its
// structure checked and no checksum; the same files as Fashion-MNIST still fail the official checksum.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile, type ModelMetadata } from '@lenet-ts/core';
import { encodeIdx } from '@lenet-ts/core/data';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, listDir, removeTempDirs, tempDir, tinyFashionMnist, writeDataDir } from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

afterAll(removeTempDirs);

describe('--dataset idx', () => {
  it('trains, saves and evaluates on an IDX set no checksum knows, raw or gzipped', async () => {
    for (const gzip of [false, true]) {
      const data = writeDataDir(tinyFashionMnist(100, 20), gzip);
      const out = tempDir();
      const model = join(out, 'm.lenet');
      const trained = await runInProcess(['train', '--dataset', 'idx', '--data-dir', data, '--epochs', '1', '--batch-size', '10', '--save', model]);
      expect(trained.code, trained.stderr).toBe(0);
      expect(trained.stdout).toContain(`Data: IDX data set (no checksum) from ${data} (data-dir)`);
      expect(trained.stdout).toMatch(/Test loss: \d\.\d{4} - test accuracy: \d\.\d{4}/);
      const { header } = decodeModelFile(readFileSync(model), model);
      expect((header.metadata as ModelMetadata).classNames).toEqual(Array.from({ length: 10 }, (_, i) => `class ${i}`));

      const evaluated = await runInProcess(['evaluate', '--model', model, '--dataset', 'idx', '--data-dir', data]);
      expect(evaluated.code, evaluated.stderr).toBe(0);
      expect(evaluated.stdout).toMatch(/Test loss: /);
      // The official names keep their checksum: as Fashion-MNIST these files are refused.
      expectOneLineError(
        await runInProcess(['evaluate', '--model', model, '--data-dir', data]),
        1,
        /has SHA-256 [0-9a-f]{12}… \(uncompressed\), expected [0-9a-f]{12}…; replace it with the official file/,
      );
    }
  });

  it('needs --data-dir', async () => {
    expectOneLineError(await runInProcess(['train', '--dataset', 'idx']), 2, /^error: --dataset idx needs --data-dir DIR/, { usage: true });
  });

  it('an unknown --dataset lists the choices', async () => {
    expectOneLineError(await runInProcess(['train', '--dataset', 'cifar']), 2, /argument 'cifar' is invalid\. Allowed choices are fashion-mnist, idx/, {
      usage: true,
    });
  });

  it('gives the specific structural error, raw and gzipped alike, and writes nothing', async () => {
    for (const gzip of [false, true]) {
      const files = {
        ...tinyFashionMnist(100, 20),
        'train-labels-idx1-ubyte': encodeIdx(
          [100],
          Uint8Array.from({ length: 100 }, (_, i) => (i === 42 ? 12 : i % 10)),
        ),
      };
      const data = writeDataDir(files, gzip);
      const out = tempDir();
      const result = await runInProcess(['train', '--dataset', 'idx', '--data-dir', data, '--save', join(out, 'm.lenet')]);
      expectOneLineError(result, 1, /train-labels-idx1-ubyte(\.gz)? has label 12 at index 42; labels must be 0\.\.9; fix or replace the file$/);
      expect(listDir(out)).toEqual([]);
    }
    const data = writeDataDir(tinyFashionMnist(100, 20), false);
    writeFileSync(join(data, 't10k-images-idx3-ubyte'), encodeIdx([20, 28, 28], new Uint8Array(20 * 784)).subarray(0, 500));
    expectOneLineError(
      await runInProcess(['train', '--dataset', 'idx', '--data-dir', data]),
      1,
      /t10k-images-idx3-ubyte is truncated: 500 bytes, but its header \[20, 28, 28\] needs 15696/,
    );
  });
});
