import { Batcher, sliceDataset, type Dataset, type Sequential } from '@lenet-ts/core';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { createLeNet, modern } from '@lenet-ts/lenet';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './index.js';

const BATCH = 32;

/** One training step on rows [start, start + BATCH) in file order; returns the pre-update batch loss. */
async function trainOn(model: Sequential, batcher: Batcher, data: Dataset, start: number): Promise<number> {
  const rows = Array.from({ length: BATCH }, (_, i) => (start + i) % data.count);
  const batch = batcher.fill(rows, 0, BATCH);
  const images = model.engine.upload(batch.images, [BATCH, ...data.sampleShape]);
  const labels = model.engine.upload(batch.labels, [BATCH]);
  const step = model.trainStep(images, labels);
  images.dispose();
  labels.dispose();
  const [loss] = await Promise.all([step.loss.data(), step.correct.data()]);
  step.loss.dispose();
  step.correct.dispose();
  return loss[0]!;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('LeNet on the tfjs wasm runtime, real Fashion-MNIST rows', () => {
  it('100 training steps of the seed recipe leave tf.memory().numTensors and memory() flat', async () => {
    const { train } = await loadFashionMnist({ download: false });
    const backend = await createTfjsBackend({ runtime: 'wasm' });
    const tf = backend.tf;
    const tensorsBeforeModel = tf.memory().numTensors;
    const model = createLeNet(backend, { seed: 0 });
    const batcher = new Batcher(train, model.inputScale);
    const parameters = model.params().length;
    // The first step creates the pool index constants, which stay cached for the model's shapes.
    await trainOn(model, batcher, train, 0);
    const baseline = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, backend: backend.memory() };
    const seen: { tensors: number; bytes: number; handles: number }[] = [];
    for (let step = 1; step <= 100; step++) {
      expect(Number.isFinite(await trainOn(model, batcher, train, step * BATCH))).toBe(true);
      seen.push({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, handles: backend.memory().handles });
    }
    expect(seen).toEqual(new Array(100).fill({ tensors: baseline.tensors, bytes: baseline.bytes, handles: parameters }));
    expect(backend.memory()).toEqual(baseline.backend);
    model.dispose();
    expect(backend.memory()).toEqual({ handles: 0, bytes: 0 });
    backend.close();
    expect(tf.memory().numTensors).toBe(tensorsBeforeModel);
  });

  it('300 steps (modern preset: ReLU, softmax cross-entropy, Nesterov SGD) cut the loss and beat chance on test images', async () => {
    const { train, test } = await loadFashionMnist({ download: false });
    const backend = await createTfjsBackend({ runtime: 'wasm' });
    try {
      const model = createLeNet(backend, { preset: modern, seed: 0 });
      const batcher = new Batcher(train, model.inputScale);
      const losses: number[] = [];
      for (let step = 0; step < 300; step++) losses.push(await trainOn(model, batcher, train, step * BATCH));
      const first = mean(losses.slice(0, 30));
      const last = mean(losses.slice(-30));
      const { accuracy } = await model.evaluate(sliceDataset(test, 0, 2000), { batchSize: 250 });
      console.log(`tfjs wasm, 300 steps: mean loss ${first.toFixed(3)} -> ${last.toFixed(3)}, accuracy on 2000 test images ${accuracy.toFixed(3)}`);
      expect(last).toBeLessThan(first / 2);
      expect(last).toBeLessThan(1.0);
      expect(accuracy).toBeGreaterThan(0.6);
      model.dispose();
    } finally {
      backend.close();
    }
  });
});
