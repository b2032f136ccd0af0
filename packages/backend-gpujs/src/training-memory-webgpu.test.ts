import { Conv2D, Dense, Engine, Flatten, MaxPooling2D, Random, SGD, Sequential, sparseCategoricalCrossentropy } from '@lenet-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend } from './index.js';

// llvmpipe runs a LeNet step in ~65 ms even at batch 4, so 1,000 steps train a small net with the same
// layer kinds (conv, pool, dense, loss, momentum SGD): every kernel kind of a LeNet step runs each step.
const BATCH = 4;
const SIDE = 8;
const STEPS = 1000;

function smallConvNet(backend: GpujsBackend): Sequential {
  const model = new Sequential(
    new Engine(backend),
    [
      new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: 'he_uniform' }),
      new MaxPooling2D({ poolSize: 2, strides: 2 }),
      new Flatten(),
      new Dense({ units: 8, activation: 'sigmoid', kernelInitializer: 'glorot_uniform' }),
      new Dense({ units: 10, activation: 'sigmoid', kernelInitializer: 'glorot_uniform' }),
    ],
    { inputShape: [SIDE, SIDE, 1], inputScale: 1 / 255 },
  );
  model.build(7);
  model.compile({ loss: sparseCategoricalCrossentropy(), optimizer: new SGD({ learningRate: 0.5, momentum: 0.9 }) });
  return model;
}

function batch(seed: number): { images: Float32Array; labels: Float32Array } {
  const random = new Random(seed);
  const images = Float32Array.from({ length: BATCH * SIDE * SIDE }, () => (random.next() < 0.5 ? 0 : Math.floor(random.next() * 256)));
  const labels = Float32Array.from({ length: BATCH }, () => Math.floor(random.next() * 10));
  return { images, labels };
}

describe(`gpujs webgpu: ${STEPS} training steps`, () => {
  let backend: GpujsBackend;
  beforeAll(async () => {
    backend = await createGpujsBackend({ mode: 'webgpu' });
  });
  afterAll(() => backend?.close());

  it('allocate no device buffer after the first steps: outputs come from the pool, kernels from the cache', async () => {
    expect(backend.mode).toBe('webgpu');
    const model = smallConvNet(backend);
    const { images, labels } = batch(11);
    const x = model.engine.upload(images, [BATCH, SIDE, SIDE, 1]);
    const y = model.engine.upload(labels, [BATCH]);
    const losses: number[] = [];
    const step = async (): Promise<void> => {
      const { loss, correct } = model.trainStep(x, y);
      losses.push((await loss.data())[0]!);
      loss.dispose();
      correct.dispose();
    };
    // Warm-up: the first steps compile every kernel and fill the pool to its high-water mark.
    await step();
    await step();
    const handles = backend.memory();
    const kernels = backend.compiledKernels();
    const pool = backend.deviceBuffers()!;
    for (let i = 0; i < STEPS; i++) await step();
    const after = backend.deviceBuffers()!;
    expect(backend.memory()).toEqual(handles);
    expect(backend.compiledKernels()).toBe(kernels);
    // Not one buffer created in 1,000 steps, and the driver holds as many as before.
    expect(after.created).toBe(pool.created);
    expect(after.buffers).toBe(pool.buffers);
    // ~30 kernel outputs per step, every one answered from the pool.
    expect(after.reused - pool.reused).toBeGreaterThanOrEqual(STEPS * 20);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    x.dispose();
    y.dispose();
    model.dispose();
  });
});
