import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeIdx, FASHION_MNIST_CLASS_NAMES, loadFashionMnist, type FashionMnist } from '@lenet-ts/core/data';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDir, removeTempDirs, tempDir } from '../test-support/fixtures.js';
import { runInProcess } from '../test-support/run-cli.js';

const COUNT = 200;
let dir: string;
let data: FashionMnist;
let modelPath: string;
let imagesPath: string;

beforeAll(async () => {
  dir = tempDir();
  modelPath = join(dir, 'modern.lenet');
  const run = await runInProcess(['train', '--preset', 'modern', '--limit', '640', '--epochs', '1', '--test-limit', '200', '--save', modelPath]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  data = await loadFashionMnist();
  // The first 200 test images as one IDX file, so `lenet predict` classifies exactly those.
  imagesPath = join(dir, 'test-200.idx');
  writeFileSync(imagesPath, encodeIdx([COUNT, 28, 28], Uint8Array.from(data.test.images.subarray(0, COUNT * 784))));
});
afterAll(removeTempDirs);

/** The class `lenet predict --top 1` names for each image. */
async function predictedClasses(model: string): Promise<string[]> {
  const run = await runInProcess(['predict', '--model', model, '--top', '1', imagesPath]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith(`${imagesPath}#`));
  expect(lines).toHaveLength(COUNT);
  return lines.map((line) => /: (.+) \d\.\d{4}$/.exec(line)![1]!);
}

function classNames(outputs: ArrayLike<number>): string[] {
  const names: string[] = [];
  for (let r = 0; r < outputs.length / 10; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (outputs[r * 10 + c]! > outputs[r * 10 + best]!) best = c;
    names.push(FASHION_MNIST_CLASS_NAMES[best]!);
  }
  return names;
}

const rawPixels = () => Float32Array.from(data.test.images.subarray(0, COUNT * 784));

describe('a model trained with --preset modern, exported and imported back (issue 16, done when)', () => {
  let expected: string[];
  beforeAll(async () => {
    expected = await predictedClasses(modelPath);
    // A model that learned something: the comparisons below would be weak on one class everywhere.
    expect(new Set(expected).size).toBeGreaterThanOrEqual(5);
  });

  it('export --format tfjs writes model.json and weights.bin that tfjs-layers loads and that predict the same classes', async () => {
    const out = join(dir, 'tfjs');
    const run = await runInProcess(['export', '--model', modelPath, '--format', 'tfjs', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Exported ${modelPath} to ${out} (TensorFlow.js layers model`);
    expect(listDir(out)).toEqual(['model.json', 'weights.bin']);
    expect(listDir(dir).filter((name) => name.startsWith('.'))).toEqual([]);
    await tf.setBackend('cpu');
    const model = await tfl.loadLayersModel({
      load: () =>
        tf.io.getModelArtifactsForJSON(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')), async (manifest) => [
          manifest.flatMap((group) => group.weights),
          new Uint8Array(readFileSync(join(out, manifest[0]!.paths[0]!))).buffer,
        ]),
    });
    const outputs = model.predict(tf.tensor(rawPixels(), [COUNT, 28, 28, 1])) as tf.Tensor;
    expect(classNames(await outputs.data())).toEqual(expected);
  });

  it('export --format onnx writes an ONNX file that onnxruntime-node runs to the same classes', async () => {
    const out = join(dir, 'modern.onnx');
    const run = await runInProcess(['export', '--model', modelPath, '--format', 'onnx', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const result = await session.run({ pixels: new ort.Tensor('float32', rawPixels(), [COUNT, 28, 28, 1]) });
    expect(classNames(result.outputs!.data as Float32Array)).toEqual(expected);
    await session.release();
  });

  it('import of the tfjs export writes a .lenet that predict runs to the same classes', async () => {
    const out = join(dir, 'imported.lenet');
    const run = await runInProcess(['import', join(dir, 'tfjs', 'model.json'), '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('loss softmax-cross-entropy');
    expect(await predictedClasses(out)).toEqual(expected);
  });
});

describe('export and import refuse in one line, and leave nothing half-written', () => {
  it('an unknown --format is a usage error (exit 2)', async () => {
    const run = await runInProcess(['export', '--model', modelPath, '--format', 'keras', '--out', join(dir, 'x')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('tfjs, onnx');
  });

  it('a tfjs export over an existing file fails (exit 1) and keeps the file', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'keep');
    const run = await runInProcess(['export', '--model', modelPath, '--format', 'tfjs', '--out', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: the export folder ${file} is a file; pass --out a new or existing folder in a writable directory\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });

  it('importing a model with a layer lenet-ts does not have fails (exit 1) naming it, and writes no model', async () => {
    const folder = join(dir, 'with-dropout');
    mkdirSync(folder);
    const json = JSON.parse(readFileSync(join(dir, 'tfjs', 'model.json'), 'utf8'));
    json.modelTopology.config.layers.splice(6, 0, { class_name: 'Dropout', config: { name: 'dropout', rate: 0.25 } });
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    writeFileSync(join(folder, 'weights.bin'), readFileSync(join(dir, 'tfjs', 'weights.bin')));
    const out = join(dir, 'dropout.lenet');
    const run = await runInProcess(['import', folder, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^error: cannot import .*model\.json: layer 6 "dropout" \(Dropout\) is not a layer lenet-ts has; lenet-ts imports Sequential models of .*\n$/,
    );
    expect(listDir(dir)).not.toContain('dropout.lenet');
  });

  it('a weights path outside the model.json folder is refused', async () => {
    const folder = join(dir, 'escaping');
    mkdirSync(folder);
    const json = JSON.parse(readFileSync(join(dir, 'tfjs', 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../modern.lenet'];
    writeFileSync(join(folder, 'model.json'), JSON.stringify(json));
    const run = await runInProcess(['import', join(folder, 'model.json'), '--out', join(dir, 'escaping.lenet')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('lists the weight file ../modern.lenet, outside its folder');
  });
});
