import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine, sliceDataset } from '@lenet-ts/core';
import { encodeIdx, loadFashionMnist, type FashionMnist } from '@lenet-ts/core/data';
import { Jimp } from 'jimp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from './backends.js';
import { loadModel } from './model-io.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

let dir: string;
let modelPath: string;
let data: FashionMnist;

beforeAll(async () => {
  dir = tempDir();
  modelPath = join(dir, 'model.lenet');
  const run = await runInProcess(['train', '--preset', 'modern', '--limit', '3200', '--epochs', '1', '--test-limit', '100', '--save', modelPath]);
  expect(run.code, run.stderr).toBe(0);
  data = await loadFashionMnist();
});
afterAll(removeTempDirs);

/** The saved model's predicted class for the first `count` test images (the library, not the CLI). */
async function predictedClasses(count: number): Promise<Int32Array> {
  const backend = await createBackend('cpu');
  const { model } = loadModel(new Engine(backend), modelPath);
  try {
    return await model.predictClasses(sliceDataset(data.test, 0, count));
  } finally {
    model.dispose();
    backend.close?.();
  }
}

/** Test image `n` as an image file of `side`x`side` pixels (scaled by jimp), light on dark or inverted. */
async function imageFile(n: number, name: string, side: number, options: { invert?: boolean; mime?: 'image/png' | 'image/jpeg' } = {}): Promise<string> {
  const image = new Jimp({ width: 28, height: 28 });
  for (let i = 0; i < 784; i++) {
    const raw = data.test.images[n * 784 + i]!;
    const v = options.invert ? 255 - raw : raw;
    image.bitmap.data.set([v, v, v, 255], 4 * i);
  }
  image.resize({ w: side, h: side });
  const path = join(dir, name);
  writeFileSync(path, await image.getBuffer(options.mime ?? 'image/png'));
  return path;
}

/** Copies the test split's IDX files (images and labels) into a new folder, under their usual names. */
function copyTestFiles(): string {
  const to = tempDir();
  for (const file of readdirSync(data.source).filter((f) => f.startsWith('t10k-'))) copyFileSync(join(data.source, file), join(to, file));
  return to;
}

describe('predict', () => {
  it('--json prints one document with the top classes of each input', async () => {
    const idx = join(dir, 'five.idx');
    writeFileSync(idx, encodeIdx([5, 28, 28], data.test.images.subarray(0, 5 * 784)));
    const result = await runInProcess(['predict', '--model', modelPath, '--json', '--top', '2', idx]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { predictions: { input: string; top: { class: number; name: string; probability: number }[] }[] };
    const expected = await predictedClasses(5);
    expect(document.predictions.map((p) => p.input)).toEqual([0, 1, 2, 3, 4].map((i) => `${idx}#${i}`));
    document.predictions.forEach((p, i) => {
      expect(p.top).toHaveLength(2);
      expect(p.top[0]!.class).toBe(expected[i]);
      expect(p.top[0]!.name).toBe(data.classNames[expected[i]!]);
      expect(p.top[0]!.probability).toBeGreaterThanOrEqual(p.top[1]!.probability);
    });
  });

  it('an IDX input takes --limit, finds the labels beside it and prints true classes and accuracy', async () => {
    const folder = copyTestFiles();
    const images = readdirSync(folder).find((f) => f.startsWith('t10k-images'))!;
    const labels = readdirSync(folder).find((f) => f.startsWith('t10k-labels'))!;
    const result = await runInProcess(['predict', '--model', modelPath, '--limit', '20', join(folder, images)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').slice(2);
    expect(lines).toHaveLength(21);
    const expected = await predictedClasses(20);
    const right = expected.filter((c, i) => c === data.test.labels[i]).length;
    lines.slice(0, 20).forEach((line, i) => {
      const truth = data.classNames[data.test.labels[i]!]!;
      expect(line).toContain(`(true: ${truth}${expected[i] === data.test.labels[i] ? ')' : ', wrong)'}`);
    });
    expect(lines[20]).toBe(`Accuracy: ${(right / 20).toFixed(4)} (${right}/20) on ${join(folder, images)}, true classes from ${join(folder, labels)}`);
    // This model learned something: far above chance on these 20.
    expect(right).toBeGreaterThan(8);
  });

  it('--labels names the labels file; --json then carries each label and the accuracy', async () => {
    const idx = join(dir, 'ten.idx');
    const labels = join(dir, 'ten-labels.idx');
    writeFileSync(idx, encodeIdx([10, 28, 28], data.test.images.subarray(0, 10 * 784)));
    writeFileSync(labels, encodeIdx([10], data.test.labels.subarray(0, 10)));
    const result = await runInProcess(['predict', '--model', modelPath, '--json', '--labels', labels, idx]);
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as { predictions: { label: { class: number } }[]; accuracy: number };
    expect(document.predictions.map((p) => p.label.class)).toEqual(Array.from(data.test.labels.subarray(0, 10)));
    const expected = await predictedClasses(10);
    expect(document.accuracy).toBe(expected.filter((c, i) => c === data.test.labels[i]).length / 10);
  });

  it('reports each unreadable file on one line, still classifies the others, and exits 1', async () => {
    const good = await imageFile(0, 'good.png', 28);
    const result = await runInProcess(['predict', '--model', modelPath, join(dir, 'missing.png'), good, join(dir, 'also-missing.png')]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: cannot read the image file .*missing\.png \(ENOENT/),
      expect.stringMatching(/^error: cannot read the image file .*also-missing\.png \(ENOENT/),
      'error: 2 of 3 inputs could not be read (above); the others were classified',
    ]);
    const [expected] = await predictedClasses(1);
    expect(result.stdout).toContain(`${good}: ${data.classNames[expected!]} `);
  });

  it('--resize reads a PNG or JPEG of any size as the 28x28 image it shows', async () => {
    const expected = await predictedClasses(3);
    for (const [n, mime] of [
      [0, 'image/png'],
      [1, 'image/jpeg'],
      [2, 'image/png'],
    ] as const) {
      const path = await imageFile(n, `big-${n}.${mime === 'image/png' ? 'png' : 'jpg'}`, 112, { mime });
      const refused = await runInProcess(['predict', '--model', modelPath, path]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/--resize/);
      const result = await runInProcess(['predict', '--model', modelPath, '--resize', path]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`${path}: ${data.classNames[expected[n]!]} `);
    }
  });

  it('warns when an image looks inverted, and --invert reads it as Fashion-MNIST does', async () => {
    const path = await imageFile(0, 'inverted.png', 28, { invert: true });
    const warned = await runInProcess(['predict', '--model', modelPath, path]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toBe(
      `warning: ${path} looks inverted (dark object on a light background; Fashion-MNIST is light on black); pass --invert if it is\n`,
    );
    const inverted = await runInProcess(['predict', '--model', modelPath, '--invert', path]);
    expect(inverted.stderr).toBe('');
    const [expected] = await predictedClasses(1);
    expect(inverted.stdout).toContain(`${path}: ${data.classNames[expected!]} `);
  });
});
