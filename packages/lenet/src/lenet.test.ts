import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { Engine, ops } from '@lenet-ts/core';
import { LENET_PARAMETERS, loadLenetFixture } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createLeNet, d2l, modern } from './index.js';

/** Max |a-b| / (|b| + floor), so tiny gradients are compared absolutely and large ones relatively. */
function worstRelative(actual: Float32Array, expected: Float32Array, floor: number): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (Math.abs(expected[i]!) + floor));
  return worst;
}

describe('LeNet', () => {
  it('has the seed architecture: 8 layers, 44,426 parameters (d2l 5.5, no padding)', () => {
    const model = createLeNet(createCpuBackend());
    expect(model.layers.map((l) => `${l.name} ${l.outputShape.join('x')}`)).toEqual([
      'conv2d 24x24x6',
      'max_pooling2d 12x12x6',
      'conv2d_1 8x8x16',
      'max_pooling2d_1 4x4x16',
      'flatten 256',
      'dense 120',
      'dense_1 84',
      'dense_2 10',
    ]);
    expect(model.params().reduce((n, p) => n + p.value.size, 0)).toBe(44_426);
  });

  it('reproduces one tfjs-layers training step (loss, outputs, every gradient) through the core layers', async () => {
    const fixture = loadLenetFixture();
    const engine = new Engine(createCpuBackend());
    const model = createLeNet(engine, { preset: d2l });
    // params() order is conv2d kernel, bias, conv2d_1 kernel, bias, dense..., the fixture's order too.
    model.setWeights(LENET_PARAMETERS.map((name) => fixture.weights[name]));
    const { loss, outputs, grads } = engine.scope(() => {
      const x = engine.upload(fixture.images, [32, 28, 28, 1]);
      const labels = engine.upload(fixture.labels, [32]);
      const y = model.forward(x, true);
      const r = ops.loss(engine, y, labels, { kind: 'sparse-categorical-crossentropy', batch: 32, classes: 10, epsilon: 1e-7 });
      model.backward(r.gradient);
      return { loss: r.loss, outputs: y, grads: model.params().map((p) => p.grad!) };
    });
    expect((await loss.data())[0]).toBeCloseTo(fixture.loss, 5);
    expect(worstRelative(await outputs.data(), fixture.outputs, 1e-6)).toBeLessThan(1e-4);
    for (const [i, name] of LENET_PARAMETERS.entries()) {
      const expected = fixture.grads[name];
      const scale = Math.max(...expected.map(Math.abs));
      expect(worstRelative(await grads[i]!.data(), expected, 1e-3 * scale), name).toBeLessThan(1e-3);
    }
  });

  it('builds the modern preset with ReLU, He init and logits out', () => {
    const model = createLeNet(createCpuBackend(), { preset: modern, seed: 3 });
    expect(model.layers.map((l) => (l.config() as { activation?: string }).activation ?? '-')).toEqual([
      'relu',
      '-',
      'relu',
      '-',
      '-',
      'relu',
      'relu',
      'linear',
    ]);
    expect(model.inputScale).toBeCloseTo(1 / 255);
  });

  it("compiles the preset's SGD by default, and Adam or RMSprop with Keras defaults and the preset's schedule when asked", () => {
    const backend = createCpuBackend();
    expect(createLeNet(backend, { preset: d2l }).optimizer.describe()).toBe('SGD lr 0.9');
    const adam = createLeNet(backend, { preset: d2l, optimizer: 'adam' }).optimizer;
    expect(adam.describe()).toBe('Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7');
    const rmsprop = createLeNet(backend, { preset: modern, optimizer: 'rmsprop', learningRate: 0.002 }).optimizer;
    expect(rmsprop.kind).toBe('rmsprop');
    expect(rmsprop.learningRate).toBe(0.002);
    rmsprop.iterations = 844;
    expect(rmsprop.learningRate).toBeCloseTo(0.002 * 0.75);
  });
});
