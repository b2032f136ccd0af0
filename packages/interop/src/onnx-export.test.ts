import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { Activation, Conv2D, Dense, Engine, Flatten, MaxPooling2D, Sequential, SGD, softmaxCrossEntropy } from '@lenet-ts/core';
import { d2l, modern, type LeNetPreset } from '@lenet-ts/lenet';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, ONNX_INPUT_NAME, ONNX_OPSET, ONNX_OUTPUT_NAME } from './onnx-export.js';
import { portableModelOf } from './portable-model.js';
import { classesOf, maxAbsDiff, modelOutputs, rawPixels, testImages, trainedLeNet } from './test-support/models.js';

describe.each([
  ['d2l', d2l],
  ['modern', modern],
] as [string, LeNetPreset][])('a %s LeNet exported to ONNX', (presetName, preset) => {
  let model: Sequential;
  let bytes: Uint8Array;

  it(`is an opset-${ONNX_OPSET} model taking raw pixels [N, 28, 28, 1] float32`, async () => {
    model = await trainedLeNet(preset);
    bytes = exportOnnx(await portableModelOf(model, { preset: presetName }));
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    expect(decoded.opsetImport.map((o) => Number(o.version))).toEqual([13]);
    const input = decoded.graph!.input![0]!;
    expect(input.name).toBe(ONNX_INPUT_NAME);
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 28, 28, 1]);
    expect(decoded.graph!.node!.map((n) => n.opType)).toEqual([
      ...(preset.inputScale === 1 ? [] : ['Mul']),
      ...(preset.activation === 'relu'
        ? ['Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'MaxPool', 'Transpose', 'Flatten', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']
        : [
            'Transpose',
            'Conv',
            'Sigmoid',
            'MaxPool',
            'Conv',
            'Sigmoid',
            'MaxPool',
            'Transpose',
            'Flatten',
            'Gemm',
            'Sigmoid',
            'Gemm',
            'Sigmoid',
            'Gemm',
            'Sigmoid',
          ]),
    ]);
  });

  it('runs in onnxruntime-node and gives the outputs this model computes, on raw pixels (200 test images)', async () => {
    const session = await ort.InferenceSession.create(bytes);
    const images = await testImages(200);
    const result = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('float32', rawPixels(images), [200, 28, 28, 1]) });
    const theirs = result[ONNX_OUTPUT_NAME]!.data as Float32Array;
    expect(result[ONNX_OUTPUT_NAME]!.dims).toEqual([200, 10]);
    const ours = await modelOutputs(model, images);
    const diff = maxAbsDiff(theirs, ours);
    console.log(`${presetName}: onnxruntime-node vs lenet-ts outputs, 200 test images: max abs diff ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect(classesOf(theirs, 10)).toEqual(classesOf(await model.predict(images), 10));
    await session.release();
  });
});

describe('ONNX geometry beyond the LeNet presets', () => {
  it('keeps same padding (extra row and column at the end, as TF), strides, a standalone Activation and the input scale', async () => {
    const engine = new Engine(createCpuBackend({ threads: 1 }));
    const model = new Sequential(
      engine,
      [
        new Conv2D({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' }),
        new MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
        new Conv2D({ filters: 5, kernelSize: [2, 3], padding: 'same' }),
        new Activation('relu'),
        new Flatten(),
        new Dense({ units: 10 }),
      ],
      { inputShape: [28, 28, 1], inputScale: 1 / 255 },
    ).build(7);
    model.compile({ loss: softmaxCrossEntropy(), optimizer: new SGD({ learningRate: 0.1 }) });
    const session = await ort.InferenceSession.create(exportOnnx(await portableModelOf(model)));
    const images = await testImages(50);
    const result = await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('float32', rawPixels(images), [50, 28, 28, 1]) });
    expect(maxAbsDiff(result[ONNX_OUTPUT_NAME]!.data as Float32Array, await modelOutputs(model, images))).toBeLessThanOrEqual(1e-5);
    await session.release();
  });
});
