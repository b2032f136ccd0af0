// Files for the CLI's tests: small Fashion-MNIST look-alikes, model and checkpoint files made in-process.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { encodeModel, Random, type Sequential } from '@lenet-ts/core';
import { encodeIdx, type FashionMnistChecksums, type FashionMnistFile } from '@lenet-ts/core/data';
import { createLeNet, d2l, type LeNetPreset } from '@lenet-ts/lenet';
import { expect } from 'vitest';
import { encodeCheckpoint, fittedRows, type RunSettings } from '../checkpoint.js';
import type { CliResult } from './run-cli.js';

/** A fresh temporary directory; `removeTempDirs` deletes them all. */
const made: string[] = [];
export function tempDir(prefix = 'lenet-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The four files of a tiny data set in Fashion-MNIST's format (uncompressed IDX bytes). */
export function tinyFashionMnist(trainCount = 8, testCount = 4): Record<FashionMnistFile, Uint8Array> {
  const images = (count: number, seed: number) =>
    encodeIdx(
      [count, 28, 28],
      Uint8Array.from({ length: count * 784 }, (_, i) => (i * 31 + seed) % 256),
    );
  const labels = (count: number) =>
    encodeIdx(
      [count],
      Uint8Array.from({ length: count }, (_, i) => i % 10),
    );
  return {
    'train-images-idx3-ubyte': images(trainCount, 1),
    'train-labels-idx1-ubyte': labels(trainCount),
    't10k-images-idx3-ubyte': images(testCount, 2),
    't10k-labels-idx1-ubyte': labels(testCount),
  };
}

/** Writes the files as `<name>.gz` (or raw) into a new directory and returns it. */
export function writeDataDir(files: Record<string, Uint8Array>, gzip = true): string {
  const dir = tempDir('lenet-data-');
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(dir, gzip ? `${file}.gz` : file), gzip ? gzipSync(bytes) : bytes);
  return dir;
}

export function checksumsOf(files: Record<string, Uint8Array>): FashionMnistChecksums {
  return Object.fromEntries(Object.entries(files).map(([file, bytes]) => [file, createHash('sha256').update(bytes).digest('hex')]));
}

export function lenet(preset: LeNetPreset = d2l, seed = 0): Sequential {
  return createLeNet(createCpuBackend(), { preset, seed });
}

export async function modelFileBytes(model: Sequential = lenet()): Promise<Uint8Array> {
  return encodeModel(model, { metadata: { preset: 'd2l' } });
}

/** A checkpoint of `model` (an untrained d2l LeNet by default) after `epochsDone` epochs over `rows` rows. */
export async function checkpointBytes(settings: Partial<RunSettings> = {}, epochsDone = 1, model: Sequential = lenet()): Promise<Uint8Array> {
  const full: RunSettings = {
    preset: 'd2l',
    seed: 0,
    batchSize: 32,
    optimizer: 'sgd',
    learningRate: 0.9,
    decay: null,
    momentum: 0,
    nesterov: false,
    epochs: 2,
    limit: 100,
    validationSplit: 0.1,
    rows: 100,
    ...settings,
  };
  const order = Uint32Array.from({ length: fittedRows(full) }, (_, i) => i);
  const history = Array.from({ length: epochsDone }, (_, i) => ({ epoch: i + 1, loss: 2.3, accuracy: 0.1, seconds: 1, samplesPerSecond: 100 }));
  const state = { epoch: epochsDone + 1, offset: 0, order, random: new Random(0).getState(), lossSum: 0, correctSum: 0, history };
  return encodeCheckpoint(model, full, state, {});
}

/** Names of the files in a directory (to prove a failed run left nothing behind). */
export function listDir(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return readdirSync(dir).sort();
}

/**
 * A user-facing failure: the exit code, exactly one stderr line `error: <problem>; <fix>` (a usage error
 * may instead say what is allowed, as commander's do), and no stack trace.
 */
export function expectOneLineError(result: CliResult, code: 1 | 2, message: RegExp, options: { usage?: boolean } = {}): void {
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(options.usage ? /^error: \S/ : /^error: [^;]+; \S/);
  expect(lines[0]).toMatch(message);
  expect(result.stderr + result.stdout).not.toMatch(/\n\s+at .+:\d+/);
  expect(result.code, result.stderr).toBe(code);
}
