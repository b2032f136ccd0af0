// Models and outputs the interop tests compare: LeNets trained briefly here on real Fashion-MNIST rows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { Batcher, sliceDataset, type Dataset, type Sequential } from '@lenet-ts/core';
import { loadFashionMnist, type FashionMnist } from '@lenet-ts/core/data';
import { createLeNet, type LeNetPreset } from '@lenet-ts/lenet';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

let data: Promise<FashionMnist> | null = null;
/** The real data set, found the way the CLI finds it (the Debian package in CI). */
export function fashionMnist(): Promise<FashionMnist> {
  data ??= loadFashionMnist();
  return data;
}

/** A LeNet of `preset` after one short epoch on the first `rows` training images, on backend-cpu. */
export async function trainedLeNet(preset: LeNetPreset, rows = 512): Promise<Sequential> {
  const { train } = await fashionMnist();
  const model = createLeNet(createCpuBackend({ threads: 1 }), { preset, seed: 3 });
  await model.fit(sliceDataset(train, 0, rows), { batchSize: preset.batchSize, epochs: 1, verbose: 0, seed: 3 });
  return model;
}

/** The first `count` test images. */
export async function testImages(count: number): Promise<Dataset> {
  return sliceDataset((await fashionMnist()).test, 0, count);
}

/** The images as raw pixel values 0..255, float32 [count * 784], what the exported models take. */
export function rawPixels(images: Dataset): Float32Array {
  return Float32Array.from(images.images);
}

/** The model's own outputs (before predict's probability normalisation), [count * classes]. */
export async function modelOutputs(model: Sequential, images: Dataset): Promise<Float32Array> {
  const { engine } = model;
  const batch = new Batcher(images, model.inputScale).fill(null, 0, images.count);
  const outputs = engine.scope(() => model.forward(engine.upload(batch.images, [images.count, ...images.sampleShape]), false));
  const values = await outputs.data();
  outputs.dispose();
  return values;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** argmax of each row, the first index winning ties as in `predict`. */
export function classesOf(values: ArrayLike<number>, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / classes; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (values[r * classes + c]! > values[r * classes + best]!) best = c;
    out.push(best);
  }
  return out;
}

/**
 * Loads a model.json and its weight files the way tfjs' own http and file handlers do
 * (`tf.io.getModelArtifactsForJSON`), so the manifest is read by tfjs, not by this project.
 */
export async function loadTfjsLayersModel(modelJson: unknown, readWeightFile: (path: string) => Uint8Array): Promise<tfl.LayersModel> {
  await tf.setBackend('cpu');
  return tfl.loadLayersModel({
    load: () =>
      tf.io.getModelArtifactsForJSON(modelJson as tf.io.ModelJSON, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) => group.paths.map((path) => readWeightFile(path)));
        const total = new Uint8Array(buffers.reduce((n, b) => n + b.length, 0));
        let offset = 0;
        for (const b of buffers) {
          total.set(b, offset);
          offset += b.length;
        }
        return [specs, total.buffer];
      }),
  });
}

/** tfjs-layers' outputs for raw pixels [count, ...shape]. */
export async function tfjsOutputs(model: tfl.LayersModel, pixels: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  const input = tf.tensor(pixels, [pixels.length / shape.reduce((a, b) => a * b, 1), ...shape], 'float32');
  const output = model.predict(input) as tf.Tensor;
  const values = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  return values;
}

/**
 * Saves a tfjs-layers model with its own `model.save` and writes model.json and weights.bin as tfjs-node's
 * `file://` handler does (that handler needs the native tfjs-node, which cannot install here).
 */
export async function saveTfjsLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      mkdirSync(dir, { recursive: true });
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

/** A LeNet built and trained by tfjs-layers itself (the modern recipe's layers, softmax outputs), on real rows. */
export async function tfjsTrainedLeNet(rows = 96): Promise<tfl.LayersModel> {
  await tf.setBackend('cpu');
  const model = tfl.sequential({
    layers: [
      tfl.layers.rescaling({ scale: 1 / 255, inputShape: [28, 28, 1] }),
      tfl.layers.conv2d({ filters: 6, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'relu' }),
      tfl.layers.dense({ units: 84, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const { train } = await fashionMnist();
  const x = tf.tensor(Float32Array.from(train.images.subarray(0, rows * 784)), [rows, 28, 28, 1]);
  const y = tf.tensor(Float32Array.from(train.labels.subarray(0, rows)), [rows]);
  await model.fit(x, y, { batchSize: 32, epochs: 1, verbose: 0, shuffle: false });
  tf.dispose([x, y]);
  return model;
}
