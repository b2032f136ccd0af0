import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { createGpujsBackend } from '@lenet-ts/backend-gpujs';
import { createTfjsBackend } from '@lenet-ts/backend-tfjs';
import { decodeModel, Engine, type Backend } from '@lenet-ts/core';
import { d2l, modern } from '@lenet-ts/lenet';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePortableModel, portableModelOf, type PortableModel } from './portable-model.js';
import { exportTfjsLayers } from './tfjs-export.js';
import { importTfjsArtifacts, importTfjsModelJson } from './tfjs-import.js';
import type { TfjsModelJson } from './tfjs-layers-format.js';
import { UnsupportedModelError } from './unsupported-model-error.js';
import { classesOf, maxAbsDiff, rawPixels, saveTfjsLayersModel, testImages, tfjsOutputs, tfjsTrainedLeNet, trainedLeNet } from './test-support/models.js';

const dir = mkdtempSync(join(tmpdir(), 'lenet-interop-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads DIR/model.json and its weight files, as `lenet import` does. */
function importDir(folder: string): PortableModel {
  const path = join(folder, 'model.json');
  return importTfjsModelJson(JSON.parse(readFileSync(path, 'utf8')), (file) => readFileSync(join(folder, file)), path);
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  ['cpu', async () => createCpuBackend({ threads: 1 })],
  ['tfjs', () => createTfjsBackend({ runtime: 'cpu' })],
  ['gpujs', () => createGpujsBackend({ mode: 'cpu' })],
];

describe.each([
  ['d2l', d2l],
  ['modern', modern],
] as const)('a %s LeNet exported to tfjs and imported back', (presetName, preset) => {
  it('has bit-identical weights, the same architecture and metadata, and predicts exactly as before', async () => {
    const model = await trainedLeNet(preset);
    const original = await portableModelOf(model, { preset: presetName, seed: 3 });
    const { modelJson, weightsBin } = exportTfjsLayers(original);
    const folder = join(dir, `round-trip-${presetName}`);
    mkdirSync(folder);
    writeFileSync(join(folder, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(folder, 'weights.bin'), weightsBin);
    const imported = importDir(folder);
    expect(imported.architecture).toEqual(original.architecture);
    expect(imported.weights.map((w) => w.name)).toEqual(original.weights.map((w) => w.name));
    imported.weights.forEach((w, i) => {
      expect(w.shape).toEqual(original.weights[i]!.shape);
      expect(new Uint32Array(w.values.buffer, w.values.byteOffset, w.values.length)).toEqual(
        new Uint32Array((original.weights[i]!.values as Float32Array).buffer),
      );
    });
    expect(imported.metadata).toMatchObject({ preset: presetName, seed: 3, importedFrom: { format: 'tfjs layers model', generatedBy: 'lenet-ts' } });
    const reloaded = decodeModel(new Engine(createCpuBackend({ threads: 1 })), encodePortableModel(imported), 'imported.lenet').model;
    const images = await testImages(200);
    expect(await reloaded.predict(images)).toEqual(await model.predict(images));
  });
});

describe('a LeNet built, trained and saved by tfjs-layers itself (model.save)', () => {
  let tfModel: tfl.LayersModel;
  let bytes: Uint8Array;
  let expected: Float32Array;

  beforeAll(async () => {
    tfModel = await tfjsTrainedLeNet();
    await saveTfjsLayersModel(tfModel, join(dir, 'tfjs-trained'));
    const images = await testImages(200);
    expected = await tfjsOutputs(tfModel, rawPixels(images), [28, 28, 1]);
  });

  it('imports as Rescaling-scaled inputs, linear logits and the softmax cross-entropy loss', () => {
    const imported = importDir(join(dir, 'tfjs-trained'));
    bytes = encodePortableModel(imported);
    expect(imported.architecture.inputScale).toBe(1 / 255);
    expect(imported.architecture.loss).toBe('softmax-cross-entropy');
    expect(imported.architecture.layers.map((l) => `${l.type}:${typeof l.activation === 'string' ? l.activation : ''}`)).toEqual([
      'Conv2D:relu',
      'MaxPooling2D:',
      'Conv2D:relu',
      'MaxPooling2D:',
      'Flatten:',
      'Dense:relu',
      'Dense:relu',
      'Dense:linear',
    ]);
    expect(imported.metadata.importedFrom).toEqual({
      format: 'tfjs layers model',
      generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
      keras: 'tfjs-layers 4.22.0',
    });
  });

  it.each(BACKENDS)('predicts the probabilities tfjs-layers predicts, and evaluates, on %s', async (name, create) => {
    const backend = await create();
    try {
      const { model } = decodeModel(new Engine(backend), bytes, 'imported.lenet');
      const images = await testImages(200);
      const ours = await model.predictProbabilities(images);
      const diff = maxAbsDiff(ours, expected);
      console.log(`tfjs-trained LeNet imported, on ${name} (${backend.description}): max abs diff to tfjs-layers' predictions ${diff.toExponential(2)}`);
      expect(diff).toBeLessThanOrEqual(1e-5);
      expect(classesOf(ours, 10)).toEqual(classesOf(expected, 10));
      const { accuracy, loss } = await model.evaluate(images, { batchSize: 50 });
      const labels = Array.from(images.labels);
      expect(accuracy).toBeCloseTo(classesOf(expected, 10).filter((c, i) => c === labels[i]).length / 200, 6);
      expect(Number.isFinite(loss)).toBe(true);
      model.dispose();
    } finally {
      backend.close?.();
    }
  });
});

describe('geometry beyond the LeNet presets', () => {
  it('imports same padding, strides, a standalone Activation and a final Activation("softmax") exactly', async () => {
    await tf.setBackend('cpu');
    const tfModel = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
        tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 5, kernelSize: [2, 3], padding: 'same' }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10 }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    });
    await saveTfjsLayersModel(tfModel, join(dir, 'geometry'));
    const imported = importDir(join(dir, 'geometry'));
    expect(imported.architecture.layers.map((l) => l.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'Activation', 'Flatten', 'Dense']);
    const { model } = decodeModel(new Engine(createCpuBackend({ threads: 1 })), encodePortableModel(imported), 'geometry.lenet');
    const images = await testImages(50);
    // Raw pixels in both (no Rescaling): the sigmoid saturates less with these small random weights anyway.
    const diff = maxAbsDiff(await model.predictProbabilities(images), await tfjsOutputs(tfModel, rawPixels(images), [28, 28, 1]));
    expect(diff).toBeLessThanOrEqual(1e-5);
  });

  it('infers the loss from the outputs: sigmoid scores keep the d2l loss', () => {
    const json = d2lStyleJson();
    const imported = importTfjsArtifacts(
      { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: weightsFor(json) },
      'm',
    );
    expect(imported.architecture.loss).toBe('sparse-categorical-crossentropy');
    expect(imported.architecture.inputScale).toBe(1);
  });
});

/** A small valid tfjs layers model.json (a Dense classifier) to mutate in the refusal tests. */
function d2lStyleJson(): TfjsModelJson {
  return {
    format: 'layers-model',
    generatedBy: 'test',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
      config: {
        name: 'small',
        layers: [
          { class_name: 'Flatten', config: { name: 'flatten_Flatten1', batch_input_shape: [null, 28, 28, 1], dtype: 'float32', trainable: true } },
          { class_name: 'Dense', config: { name: 'dense_Dense1', units: 10, activation: 'sigmoid', use_bias: true, kernel_regularizer: null } },
        ],
      },
    },
    weightsManifest: [
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'dense_Dense1/kernel', shape: [784, 10], dtype: 'float32' },
          { name: 'dense_Dense1/bias', shape: [10], dtype: 'float32' },
        ],
      },
    ],
  };
}

/** Zero weights for what the manifest's first group lists; one float short when it lists a second file (which is empty). */
function weightsFor(json: TfjsModelJson): Uint8Array {
  const group = json.weightsManifest[0]!;
  const floats = group.paths.length > 1 ? 7849 : group.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  return new Uint8Array(4 * floats);
}

type Mutable = {
  modelTopology: { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  weightsManifest: { paths: string[]; weights: Record<string, unknown>[] }[];
  format: string;
};

describe('refusals: any other layer or setting is one line naming it', () => {
  const cases: [string, (json: Mutable) => void, RegExp][] = [
    [
      'a Dropout layer',
      (j) => j.modelTopology.config.layers.splice(1, 0, { class_name: 'Dropout', config: { name: 'dropout_Dropout1', rate: 0.5 } }),
      /layer 1 "dropout_Dropout1" \(Dropout\) is not a layer lenet-ts has/,
    ],
    [
      'a BatchNormalization layer',
      (j) => j.modelTopology.config.layers.splice(1, 0, { class_name: 'BatchNormalization', config: { name: 'bn' } }),
      /"bn" \(BatchNormalization\) is not a layer/,
    ],
    [
      'a tanh activation',
      (j) => (j.modelTopology.config.layers[1]!.config.activation = 'tanh'),
      /"dense_Dense1" \(Dense\) has activation "tanh"; lenet-ts has linear, relu, sigmoid/,
    ],
    [
      'softmax before the last layer',
      (j) => {
        j.modelTopology.config.layers[1]!.config.activation = 'softmax';
        j.modelTopology.config.layers.push({ class_name: 'Activation', config: { name: 'act', activation: 'sigmoid' } });
      },
      /"dense_Dense1" \(Dense\) has activation "softmax"/,
    ],
    ['a Dense without bias', (j) => (j.modelTopology.config.layers[1]!.config.use_bias = false), /has no bias \(use_bias: false\)/],
    [
      'a kernel regularizer',
      (j) => (j.modelTopology.config.layers[1]!.config.kernel_regularizer = { class_name: 'L2', config: { l2: 0.01 } }),
      /has a kernel_regularizer/,
    ],
    [
      'an unknown setting',
      (j) => (j.modelTopology.config.layers[1]!.config.kernel_quantizer = 'int8'),
      /has the setting kernel_quantizer, which lenet-ts does not support/,
    ],
    [
      'channels-first data',
      (j) => (j.modelTopology.config.layers[0]!.config.data_format = 'channels_first'),
      /data_format "channels_first"; lenet-ts is channels-last/,
    ],
    ['a frozen layer', (j) => (j.modelTopology.config.layers[1]!.config.trainable = false), /is frozen \(trainable: false\)/],
    [
      'a dilated convolution',
      (j) =>
        j.modelTopology.config.layers.splice(
          0,
          1,
          { class_name: 'Conv2D', config: { name: 'c', batch_input_shape: [null, 28, 28, 1], filters: 1, kernel_size: [1, 1], dilation_rate: [2, 2] } },
          { class_name: 'Flatten', config: { name: 'f' } },
        ),
      /"c" \(Conv2D\) has dilation_rate \[2, 2\]; lenet-ts convolutions are not dilated/,
    ],
    [
      'a Rescaling with an offset',
      (j) =>
        j.modelTopology.config.layers.unshift({
          class_name: 'Rescaling',
          config: { name: 'r', scale: 2 / 255, offset: -1, batch_input_shape: [null, 28, 28, 1] },
        }),
      /"r" \(Rescaling\) has offset -1; lenet-ts inputs are only scaled/,
    ],
    [
      'a Rescaling in the middle',
      (j) => j.modelTopology.config.layers.splice(1, 0, { class_name: 'Rescaling', config: { name: 'r', scale: 0.5 } }),
      /"r" \(Rescaling\) rescales in the middle of the model/,
    ],
    ['a functional model', (j) => (j.modelTopology.class_name = 'Model'), /it is a Model, not a Sequential/],
    ['a graph model', (j) => (j.format = 'graph-model'), /its format is "graph-model", not a tfjs layers model/],
    [
      'quantized weights',
      (j) => (j.weightsManifest[0]!.weights[0]!.quantization = { dtype: 'uint8', scale: 1, min: 0 }),
      /its weight dense_Dense1\/kernel is quantized/,
    ],
    ['a missing weight', (j) => j.weightsManifest[0]!.weights.splice(1, 1), /its weights have no tensors named dense_Dense1\/bias/],
    [
      'a weight of another shape',
      (j) => (j.weightsManifest[0]!.weights[1]!.shape = [11]),
      /its weight dense_Dense1\/bias has shape \[11\], layer "dense_Dense1" needs \[10\]/,
    ],
    [
      'weight files shorter than the manifest',
      (j) => j.weightsManifest[0]!.paths.push('weights-missing-part.bin'),
      /its weight files hold 31396 bytes, fewer than the weightsManifest describes; copy the weight files again/,
    ],
  ];

  it.each(cases)('%s', (_what, mutate, message) => {
    const json = d2lStyleJson() as unknown as Mutable;
    mutate(json);
    // The weight files hold what the (mutated) manifest lists, except a second listed file, which is empty.
    const bytes = weightsFor(json as unknown as TfjsModelJson);
    let error: unknown;
    try {
      importTfjsModelJson(json, (path) => (path === 'weights.bin' ? bytes : new Uint8Array(0)), 'model.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedModelError);
    const text = (error as Error).message;
    expect(text).toMatch(/^cannot import model\.json: /);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('accepts the unmutated model (so each refusal is caused by its one change)', () => {
    const json = d2lStyleJson();
    expect(importTfjsModelJson(json, () => weightsFor(json), 'model.json').architecture.layers).toHaveLength(2);
  });
});
