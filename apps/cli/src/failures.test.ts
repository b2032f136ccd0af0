// Every failure is one line and the right exit code: mistyped commands, numbers outside their range,
// runs that would train on nothing, special files given as inputs, and errors no check foresaw.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx } from '@lenet-ts/core/data';
import { internalErrorLine } from './cli.js';
import type { DataLocations } from './data.js';
import { checksumsOf, expectOneLineError, modelFileBytes, removeTempDirs, tempDir, tinyFashionMnist, writeDataDir } from './test-support/fixtures.js';
import { runInProcess, spawnCli } from './test-support/run-cli.js';

let dataDir: string;
let data: DataLocations;
let work: string;
let model: string;
beforeAll(async () => {
  const files = tinyFashionMnist(100, 4);
  dataDir = writeDataDir(files);
  data = { expectedChecksums: checksumsOf(files), download: false };
  work = tempDir();
  model = join(work, 'm.lenet');
  writeFileSync(model, await modelFileBytes());
});
afterAll(removeTempDirs);

describe('commands', () => {
  it('an unknown command is named, with the nearest one', async () => {
    expectOneLineError(
      await runInProcess(['trian', '--epochs', '1']),
      2,
      /^error: unknown command 'trian'; did you mean 'train'\? commands: train, evaluate, predict, summary, crosscheck/,
      { usage: true },
    );
    expectOneLineError(await runInProcess(['xyzzy']), 2, /^error: unknown command 'xyzzy'; commands: /, { usage: true });
  });
});

describe('numbers: one parser for every option', () => {
  it.each<[string, string[], RegExp]>([
    ['hex for --lr', ['train', '--lr', '0x10'], /'--lr <rate>' argument '0x10' is invalid\. must be a positive number/],
    ['hex for --epochs', ['train', '--epochs', '0x10'], /'--epochs <n>' argument '0x10' is invalid\. must be a positive integer/],
    ['Infinity for --lr', ['train', '--lr', 'Infinity'], /must be a positive number/],
    ['a fraction for --epochs', ['train', '--epochs', '1.5'], /must be a positive integer/],
    ['an exponent for --batch-size', ['train', '--batch-size', '1e2'], /must be a positive integer/],
    ['a seed of 2^32', ['train', '--seed', '4294967296'], /'--seed <n>' argument '4294967296' is invalid\. must be an integer from 0 to 4294967295/],
    ['a negative seed', ['crosscheck', '--seed', '-1'], /--seed/],
    ['hex for --tolerance', ['crosscheck', '--tolerance', '0x1'], /must be a positive number/],
  ])('%s is refused', async (_what, argv, message) => {
    expectOneLineError(await runInProcess(argv), 2, message, { usage: true });
  });

  it('decimal forms are accepted alike: 2^32-1 as a seed, 1e-3 as a rate', async () => {
    const result = await runInProcess(
      ['train', '--data-dir', dataDir, '--seed', '4294967295', '--lr', '1e-3', '--epochs', '1', '--batch-size', '10', '--test-limit', '4'],
      { data },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/lr 0\.001, 1 epoch, seed 4294967295/);
  });
});

describe('limits', () => {
  it('a --limit that leaves no full batch is refused before training, naming the least that works', async () => {
    const result = await runInProcess(['train', '--data-dir', dataDir, '--limit', '20'], { data });
    expectOneLineError(
      result,
      2,
      /^error: 20 training rows leave 18 after the 10% validation split, less than one batch of 32; pass --limit 36 or more, or a --batch-size of at most 18$/,
    );
    expect(result.stdout).not.toMatch(/Epoch/);
  });

  it('a limit above the data is announced, not silently clamped', async () => {
    const result = await runInProcess(['train', '--data-dir', dataDir, '--limit', '5000', '--test-limit', '99', '--epochs', '1', '--batch-size', '10'], {
      data,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Note: --limit 5000 is more than the 100 training rows; using all 100');
    expect(result.stdout).toContain('Note: --test-limit 99 is more than the 4 test images; using all 4');
  });
});

describe('clamped values are announced', () => {
  it('predict --top above the class count, evaluate --limit above the test set', async () => {
    const image = join(tempDir(), 'one-idx3-ubyte');
    writeFileSync(image, encodeIdx([1, 28, 28], new Uint8Array(784)));
    const predicted = await runInProcess(['predict', '--model', model, '--top', '12', image]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout).toContain('Note: --top 12 is more than the 10 classes; showing all 10');
    const evaluated = await runInProcess(['evaluate', '--model', model, '--data-dir', dataDir, '--limit', '50'], { data });
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toContain('Note: --limit 50 is more than the 4 test images; using all 4');
  });

  it('a --batch-size no data set can fill names only the fix that works', async () => {
    expectOneLineError(
      await runInProcess(['train', '--data-dir', dataDir, '--batch-size', '5000'], { data }),
      2,
      /100 training rows leave 90 after the 10% validation split, less than one batch of 5000; pass a --batch-size of at most 90$/,
    );
  });
});

describe('inputs that are not regular files get one line and never block', () => {
  it('a FIFO as the model (opening it would wait for a writer forever)', async () => {
    const fifo = join(tempDir(), 'model.fifo');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(
      await runInProcess(['evaluate', '--model', fifo]),
      1,
      /the model file .*model\.fifo is a FIFO \(named pipe\), not a regular file; pass a file written by `lenet train --save`/,
    );
  });

  it('a character device as the model (/dev/zero never ends)', async () => {
    expectOneLineError(await runInProcess(['evaluate', '--model', '/dev/zero']), 1, /the model file \/dev\/zero is a character device, not a regular file/);
  });

  it('a FIFO as --resume', async () => {
    const fifo = join(tempDir(), 'run.ckpt');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(
      await runInProcess(['train', '--resume', fifo, '--checkpoint', join(tempDir(), 'new.ckpt')]),
      1,
      /the checkpoint .*run\.ckpt is a FIFO \(named pipe\), not a regular file/,
    );
  });

  it('a directory and a device as images', async () => {
    expectOneLineError(
      await runInProcess(['predict', '--model', model, work]),
      1,
      /the image file .* is a directory; pass PNG or JPEG files or an IDX image file/,
    );
    expectOneLineError(
      await runInProcess(['predict', '--model', model, '/dev/null']),
      1,
      /the image file \/dev\/null is a character device, not a regular file/,
    );
  });
});

describe('errors no check foresaw', () => {
  it('are one line naming --debug; --debug prints the stack', () => {
    expect(internalErrorLine(new TypeError('x is not a function'))).toBe(
      'error: internal error (TypeError: x is not a function); run with --debug for details',
    );
    expect(internalErrorLine(new RangeError('Array buffer allocation failed'))).toMatch(/out of memory\? try a smaller --batch-size; run with --debug/);
  });

  it('--debug is accepted anywhere and changes nothing for a good run', async () => {
    const result = await spawnCli(['summary', '--preset', 'modern', '--debug']).result;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/conv/i);
  });
});
