import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile, Engine, sliceDataset, type Backend } from '@lenet-ts/core';
import { encodeIdx, loadFashionMnist, type FashionMnist } from '@lenet-ts/core/data';
import { createReferenceBackend } from '@lenet-ts/core/testing';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '@lenet-ts/backends';
import { createBackend } from './backends.js';
import { loadModel } from './model-io.js';
import { listDir, removeTempDirs, tempDir } from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

let dir: string;
let modelPath: string;
let trainOutput: string;
let data: FashionMnist;

beforeAll(async () => {
  dir = tempDir();
  modelPath = join(dir, 'model.lenet');
  const run = await runInProcess([
    'train',
    '--backend',
    'cpu',
    '--preset',
    'modern',
    '--limit',
    '640',
    '--epochs',
    '1',
    '--test-limit',
    '300',
    '--save',
    modelPath,
  ]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  trainOutput = run.stdout;
  data = await loadFashionMnist();
});
afterAll(removeTempDirs);

/** Class probabilities for the first `count` test images, from the saved model on `backend`. */
async function predictions(backend: Backend, count: number): Promise<Float32Array> {
  const { model } = loadModel(new Engine(backend), modelPath);
  try {
    return await model.predictProbabilities(sliceDataset(data.test, 0, count));
  } finally {
    model.dispose();
    backend.close?.();
  }
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

describe('train --save', () => {
  it('writes only the model and its last checkpoint, no temporary files', () => {
    expect(listDir(dir)).toEqual(['model.lenet', 'model.lenet.ckpt']);
    expect(trainOutput).toContain(`Saved the model to ${modelPath}`);
  });

  it('stores the architecture, the weights and what the run measured', () => {
    const { header, tensors } = decodeModelFile(readFileSync(modelPath), modelPath);
    expect(header.kind).toBe('model');
    const architecture = header.architecture as { inputShape: number[]; inputScale: number; loss: string; layers: { type: string }[] };
    expect(architecture.inputShape).toEqual([28, 28, 1]);
    expect(architecture.inputScale).toBe(1 / 255);
    expect(architecture.loss).toBe('softmax-cross-entropy');
    expect(architecture.layers.map((l) => l.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense', 'Dense']);
    expect([...tensors.keys()]).toEqual([
      'conv2d/kernel',
      'conv2d/bias',
      'conv2d_1/kernel',
      'conv2d_1/bias',
      'dense/kernel',
      'dense/bias',
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
    ]);
    expect([...tensors.values()].reduce((n, t) => n + t.values.length, 0)).toBe(44_426);
    const metadata = header.metadata as {
      preset: string;
      seed: number;
      history: unknown[];
      test: { accuracy: number; count: number };
      backend: { name: string };
      classNames: string[];
    };
    expect(metadata).toMatchObject({ preset: 'modern', seed: 0, backend: { name: 'cpu' }, test: { count: 300 } });
    expect(metadata.history).toHaveLength(1);
    expect(metadata.classNames[9]).toBe('Ankle boot');
    expect(trainOutput).toContain(`test accuracy: ${metadata.test.accuracy.toFixed(4)}`);
  });
});

describe('evaluate --model', () => {
  it('reproduces the test loss and accuracy the training run printed', async () => {
    const result = await runInProcess(['evaluate', '--model', modelPath, '--limit', '300', '--batch-size', '64']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Model: ');
    expect(result.stdout).toContain('modern preset, 1 epoch, trained on cpu');
    const testLine = (text: string) => /Test loss: [\d.]+ - test accuracy: [\d.]+/.exec(text)![0];
    expect(testLine(result.stdout)).toBe(testLine(trainOutput));
  });

  it('also takes the checkpoint the run left', async () => {
    const fromModel = await runInProcess(['evaluate', '--model', modelPath, '--limit', '100']);
    const fromCheckpoint = await runInProcess(['evaluate', '--model', `${modelPath}.ckpt`, '--limit', '100']);
    expect(fromCheckpoint.code).toBe(0);
    expect(fromCheckpoint.stdout.split('\n').slice(-2)).toEqual(fromModel.stdout.split('\n').slice(-2));
  });
});

describe('a model trained on cpu', () => {
  const backends: [string, () => Promise<Backend>][] = [
    ['reference (the naive-loop backend from @lenet-ts/core/testing)', async () => createReferenceBackend()],
    // Every other installed backend; cpu against itself would prove nothing.
    ...providers.filter(({ name }) => name !== 'cpu').map(({ name }): [string, () => Promise<Backend>] => [name, () => createBackend(name)]),
  ];

  it('is compared with every installed backend but cpu itself', () => {
    expect(backends.map(([name]) => name.split(' ')[0])).toEqual(['reference', ...providers.map((p) => p.name).filter((name) => name !== 'cpu')]);
    expect(backends.length).toBeGreaterThan(2);
  });

  it.each(backends)('gives the same predictions on %s', async (_name, create) => {
    const expected = await predictions(await createBackend('cpu'), 200);
    const actual = await predictions(await create(), 200);
    expect(expected).toHaveLength(2000);
    expect(actual).toHaveLength(2000);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-4);
    for (let n = 0; n < 200; n++) {
      const row = expected.subarray(n * 10, n * 10 + 10);
      const sorted = [...row].sort((a, b) => b - a);
      // A near-tie may fall either way in float32; everything else must agree exactly.
      if (sorted[0]! - sorted[1]! > 1e-4) expect(argmax(actual.subarray(n * 10, n * 10 + 10)), `image ${n}`).toBe(argmax(row));
    }
  });
});

describe('predict --model', () => {
  /** Test images 0..2 as 28x28 PNGs and as one IDX file. */
  function writeImages(): { pngs: string[]; idx: string } {
    const out = tempDir();
    const pngs = [0, 1, 2].map((n) => {
      const png = new PNG({ width: 28, height: 28 });
      for (let i = 0; i < 784; i++) {
        const v = data.test.images[n * 784 + i]!;
        png.data.set([v, v, v, 255], 4 * i);
      }
      const path = join(out, `test-${n}.png`);
      writeFileSync(path, PNG.sync.write(png));
      return path;
    });
    const idx = join(out, 'three.idx');
    writeFileSync(idx, encodeIdx([3, 28, 28], data.test.images.subarray(0, 3 * 784)));
    return { pngs, idx };
  }

  it('prints the top classes and probabilities of PNG and IDX images, as the model predicts them', async () => {
    const { pngs, idx } = writeImages();
    const result = await runInProcess(['predict', '--backend', 'cpu', '--model', modelPath, '--top', '2', ...pngs, idx]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').slice(2);
    expect(lines).toHaveLength(6);
    const expected = await predictions(await createBackend('cpu'), 3);
    const names = data.classNames;
    for (let n = 0; n < 3; n++) {
      const row = Array.from(expected.subarray(n * 10, n * 10 + 10));
      const [first, second] = row.map((p, c) => ({ p, c })).sort((a, b) => b.p - a.p);
      const text = `${names[first!.c]} ${first!.p.toFixed(4)}, ${names[second!.c]} ${second!.p.toFixed(4)}`;
      expect(lines[n]).toBe(`${pngs[n]}: ${text}`);
      expect(lines[3 + n]).toBe(`${idx}#${n}: ${text}`);
    }
  });

  it.each(providers.map((p) => p.name).filter((name) => name !== 'cpu'))('prints the same classes on --backend %s as on cpu', async (name) => {
    const { idx } = writeImages();
    const parse = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .slice(2)
        .map((line) => [...line.matchAll(/([A-Za-z/ -]+) (\d\.\d{4})/g)].map((m) => [m[1]!.trim(), Number(m[2])] as const));
    const onCpu = parse((await runInProcess(['predict', '--backend', 'cpu', '--model', modelPath, idx])).stdout);
    const other = await runInProcess(['predict', '--model', modelPath, '--backend', name, idx]);
    expect(other.code, other.stderr).toBe(0);
    const onOther = parse(other.stdout);
    expect(onOther.map((row) => row.map(([c]) => c))).toEqual(onCpu.map((row) => row.map(([c]) => c)));
    expect(onOther).toHaveLength(3);
    expect(onOther.flat()).toHaveLength(onCpu.flat().length);
    onOther.flat().forEach(([, p], i) => expect(Math.abs(p - onCpu.flat()[i]![1])).toBeLessThanOrEqual(2e-4));
  });
});
