// Outputs never destroy what is at their path, and every output path is checked before training starts.
// Real files: FIFOs (mkfifo), symlinks, read-only files, another run's checkpoint.
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile } from '@lenet-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataLocations } from './data.js';
import {
  checkpointBytes,
  checksumsOf,
  expectOneLineError,
  listDir,
  modelFileBytes,
  removeTempDirs,
  tempDir,
  tinyFashionMnist,
  writeDataDir,
} from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

let dataDir: string;
let data: DataLocations;
/** A one-epoch run on 100 tiny rows (batch 10), so every test here trains for real in well under a second. */
const quick = () => ['train', '--data-dir', dataDir, '--epochs', '1', '--batch-size', '10', '--test-limit', '4'];

beforeAll(() => {
  const files = tinyFashionMnist(100, 4);
  dataDir = writeDataDir(files);
  data = { expectedChecksums: checksumsOf(files), download: false };
});
afterAll(removeTempDirs);

describe('an existing output path that is not a regular file', () => {
  it.each([
    ['--save', 'model file'],
    ['--report', 'report'],
    ['--checkpoint', 'checkpoint'],
  ])('%s onto a FIFO is refused before any work, and the FIFO stays', async (option, what) => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const result = await runInProcess([...quick(), option, fifo], { data });
    expectOneLineError(
      result,
      1,
      new RegExp(`the ${what} .*pipe is a FIFO \\(named pipe\\), not a regular file; pass ${option} a file in an existing, writable directory$`),
    );
    expect(result.stdout).toBe('');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(listDir(dir)).toEqual(['pipe']);
  });

  it('a path ending in a slash is refused before training, even when its parent does not exist', async () => {
    const dir = tempDir();
    const result = await runInProcess([...quick(), '--report', join(dir, 'missing', 'reports/')], { data });
    expectOneLineError(result, 1, /the report .*missing\/reports\/ ends in a slash; pass --report a file in an existing, writable directory/);
    expect(result.stdout).toBe('');
    expect(listDir(dir)).toEqual([]);
  });
});

describe('writing through and over files', () => {
  it('a symlinked --save is written through to its target, and a read-only model keeps its mode', async () => {
    const dir = tempDir();
    const target = join(dir, 'models', 'best.lenet');
    execFileSync('mkdir', [join(dir, 'models')]);
    writeFileSync(target, 'old');
    chmodSync(target, 0o444);
    symlinkSync(join('models', 'best.lenet'), join(dir, 'current.lenet'));
    const result = await runInProcess([...quick(), '--save', join(dir, 'current.lenet'), '--checkpoint', join(dir, 'run.ckpt')], { data });
    expect(result.code, result.stderr).toBe(0);
    expect(readlinkSync(join(dir, 'current.lenet'))).toBe(join('models', 'best.lenet'));
    expect(decodeModelFile(readFileSync(target), target).header.kind).toBe('model');
    expect(statSync(target).mode & 0o777).toBe(0o444);
    expect(listDir(join(dir, 'models'))).toEqual(['best.lenet']);
  });
});

describe('a file system too small for the outputs (a real 256 kB tmpfs; the tests run as root, as CI does)', () => {
  it('is found before training, not after it', async () => {
    const mountPoint = join(tempDir(), 'small');
    execFileSync('mkdir', [mountPoint]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
    try {
      // A d2l LeNet's weights alone are about 250 kB: the model and its checkpoint need several times the space.
      const result = await runInProcess([...quick(), '--save', join(mountPoint, 'm.lenet')], { data });
      expectOneLineError(
        result,
        1,
        /the model file .*m\.lenet and the checkpoint .*m\.lenet\.ckpt will need about \d+ kB, but that file system has \d+ kB free; free some space or pass --save\/--checkpoint a path on another file system$/,
      );
      expect(result.stdout).not.toMatch(/Epoch/);
      expect(listDir(mountPoint)).toEqual([]);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});

describe("--checkpoint onto a file that is not this run's checkpoint", () => {
  it("another run's checkpoint or a model is refused, naming --resume and --overwrite; --overwrite replaces it", async () => {
    const dir = tempDir();
    const other = join(dir, 'other.ckpt');
    const before = await checkpointBytes();
    writeFileSync(other, before);
    const refused = await runInProcess([...quick(), '--checkpoint', other], { data });
    expectOneLineError(
      refused,
      2,
      /^error: the checkpoint .*other\.ckpt already exists and this run does not resume from it; pass --resume .*other\.ckpt to continue that run, or --overwrite to replace it$/,
    );
    expect(readFileSync(other).equals(Buffer.from(before))).toBe(true);

    const model = join(dir, 'm.lenet');
    writeFileSync(model, await modelFileBytes());
    // The default checkpoint beside --save too.
    writeFileSync(`${model}.ckpt`, "someone else's");
    expectOneLineError(await runInProcess([...quick(), '--save', model], { data }), 2, /m\.lenet\.ckpt already exists/);
    expectOneLineError(await runInProcess([...quick(), '--checkpoint', model, '--save', join(dir, 'n.lenet')], { data }), 2, /m\.lenet already exists/);

    const overwritten = await runInProcess([...quick(), '--checkpoint', other, '--overwrite'], { data });
    expect(overwritten.code, overwritten.stderr).toBe(0);
    expect(decodeModelFile(readFileSync(other), other).header.training).toMatchObject({ settings: { rows: 100, batchSize: 10 } });
  });
});
