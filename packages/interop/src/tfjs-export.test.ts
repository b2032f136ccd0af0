import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sequential } from '@lenet-ts/core';
import { d2l, modern, type LeNetPreset } from '@lenet-ts/lenet';
import { afterAll, describe, expect, it } from 'vitest';
import { portableModelOf } from './portable-model.js';
import { exportTfjsLayers } from './tfjs-export.js';
import { runInPage } from './test-support/page.js';
import { classesOf, loadTfjsLayersModel, maxAbsDiff, modelOutputs, rawPixels, testImages, tfjsOutputs, trainedLeNet } from './test-support/models.js';

const dir = mkdtempSync(join(tmpdir(), 'lenet-interop-tfjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['d2l', d2l, 'sigmoid'],
  ['modern', modern, 'linear'],
] as [string, LeNetPreset, string][])('a %s LeNet exported to a tfjs layers model', (presetName, preset, outputActivation) => {
  let model: Sequential;
  const files = join(dir, presetName);

  it('is a layers-model Sequential of named Keras layers with one little-endian weights.bin', async () => {
    model = await trainedLeNet(preset);
    const { modelJson, weightsBin } = exportTfjsLayers(await portableModelOf(model, { preset: presetName }));
    const layers = modelJson.modelTopology.config.layers;
    expect(modelJson.format).toBe('layers-model');
    expect(layers.map((l) => `${l.class_name}:${String(l.config.name)}`)).toEqual([
      ...(preset.inputScale === 1 ? [] : ['Rescaling:rescaling']),
      'Conv2D:conv2d',
      'MaxPooling2D:max_pooling2d',
      'Conv2D:conv2d_1',
      'MaxPooling2D:max_pooling2d_1',
      'Flatten:flatten',
      'Dense:dense',
      'Dense:dense_1',
      'Dense:dense_2',
    ]);
    expect(layers[0]!.config.batch_input_shape).toEqual([null, 28, 28, 1]);
    expect(layers.at(-1)!.config.activation).toBe(outputActivation);
    expect(modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: expect.any(Array) }]);
    expect(weightsBin.length).toBe(44_426 * 4);
    const kernel = new DataView(weightsBin.buffer).getFloat32(0, true);
    expect(kernel).toBe((await model.getWeights())[0]![0]);
    // Written and read back as files, as a page or a server would fetch them.
    mkdirSync(files);
    writeFileSync(join(files, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(join(files, 'weights.bin'), weightsBin);
  });

  it('loads in tfjs-layers 4.22 and gives the outputs this model computes, on raw pixels (200 test images)', async () => {
    const tfModel = await loadTfjsLayersModel(JSON.parse(readFileSync(join(files, 'model.json'), 'utf8')), (path) => readFileSync(join(files, path)));
    const images = await testImages(200);
    const theirs = await tfjsOutputs(tfModel, rawPixels(images), [28, 28, 1]);
    const ours = await modelOutputs(model, images);
    const diff = maxAbsDiff(theirs, ours);
    console.log(`${presetName}: tfjs-layers vs lenet-ts outputs, 200 test images: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    // The same classes as `predict` (which normalises these outputs into probabilities).
    expect(classesOf(theirs, 10)).toEqual(classesOf(await model.predict(images), 10));
    tfModel.dispose();
  });
});

describe('the tfjs export in a page', () => {
  it('loads with tf.loadLayersModel(url) in headless Chromium and gives the outputs this model computes', async () => {
    const model = await trainedLeNet(modern);
    const { modelJson, weightsBin } = exportTfjsLayers(await portableModelOf(model));
    const images = await testImages(20);
    const files = new Map<string, Uint8Array | string>([
      ['/lenet/model.json', JSON.stringify(modelJson)],
      ['/lenet/weights.bin', weightsBin],
      ['/pixels.bin', new Uint8Array(rawPixels(images).buffer)],
    ]);
    const theirs = (await runInPage(
      files,
      `
      await tf.setBackend('cpu');
      const model = await tf.loadLayersModel('/lenet/model.json');
      const pixels = new Float32Array(await (await fetch('/pixels.bin')).arrayBuffer());
      return Array.from(await model.predict(tf.tensor(pixels, [20, 28, 28, 1])).data());
    `,
    )) as number[];
    const diff = maxAbsDiff(theirs, await modelOutputs(model, images));
    console.log(`modern: tfjs-layers in headless Chromium vs lenet-ts outputs, 20 test images: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
  });
});
