import { Conv2D, Dense, Engine, Flatten, lossByKind, MaxPooling2D, SGD, Sequential, type Dataset } from '@lenet-ts/core';
import { backendLenetStep, LENET_PARAMETERS, randomLenetWeights, SeededRandom } from '@lenet-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend, type CpuBackend } from './index.js';

const backends: CpuBackend[] = [];

/** A backend whose workers are already serving, so that they (not only the calling thread) run chunks. */
async function started(threads: number): Promise<CpuBackend> {
  const backend = createCpuBackend({ threads });
  backends.push(backend);
  await backend.startWorkers();
  return backend;
}

afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});

/** Bit patterns, so that -0 vs 0 and NaN payloads count as differences too. */
function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

function images(random: SeededRandom, batch: number): { images: Float32Array; labels: Float32Array } {
  const pixels = Float32Array.from({ length: batch * 784 }, () => Math.floor(random.next() * 256));
  const labels = Float32Array.from({ length: batch }, () => Math.floor(random.next() * 10));
  return { images: pixels, labels };
}

describe('worker threads', () => {
  it('give bit-identical LeNet gradients, outputs and updates for 1, 2 and 3 threads', async () => {
    const random = new SeededRandom(7);
    // Batch 64: every primitive of the step is large enough to be split into chunks.
    const input = { weights: randomLenetWeights(random), ...images(random, 64), batch: 64, learningRate: 0.1 };
    const single = await backendLenetStep(await started(1), input);
    for (const threads of [2, 3]) {
      const backend = await started(threads);
      const result = await backendLenetStep(backend, input);
      expect(backend.workerChunks, `${threads} threads: the workers ran no chunk`).toBeGreaterThan(0);
      expect(result.loss).toBe(single.loss);
      expect(result.correct).toBe(single.correct);
      expect(bits(result.outputs)).toEqual(bits(single.outputs));
      for (const name of LENET_PARAMETERS) {
        expect(bits(result.grads[name]), `${name} gradient, ${threads} threads`).toEqual(bits(single.grads[name]));
        expect(bits(result.updated[name]), `${name} update, ${threads} threads`).toEqual(bits(single.updated[name]));
      }
    }
  });

  it('train a ReLU LeNet with softmax cross-entropy and Nesterov momentum to the same weights on 1 and 2 threads', async () => {
    const random = new SeededRandom(11);
    const batch = images(random, 96);
    const data: Dataset = { images: Uint8Array.from(batch.images), labels: Uint8Array.from(batch.labels), count: 96, sampleShape: [28, 28, 1] };
    const weights: Float32Array[][] = [];
    for (const threads of [1, 2]) {
      // The lenet package's modern preset, built here from core (lenet's tests depend on this package).
      const model = new Sequential(
        new Engine(await started(threads)),
        [
          new Conv2D({ filters: 6, kernelSize: 5, activation: 'relu', kernelInitializer: 'he_uniform' }),
          new MaxPooling2D({ poolSize: 2 }),
          new Conv2D({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: 'he_uniform' }),
          new MaxPooling2D({ poolSize: 2 }),
          new Flatten(),
          new Dense({ units: 120, activation: 'relu', kernelInitializer: 'he_uniform' }),
          new Dense({ units: 84, activation: 'relu', kernelInitializer: 'he_uniform' }),
          new Dense({ units: 10, activation: 'linear' }),
        ],
        { inputShape: [28, 28, 1], inputScale: 1 / 255 },
      );
      model.build(3).compile({ loss: lossByKind('softmax-cross-entropy'), optimizer: new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }) });
      await model.fit(data, { batchSize: 32, epochs: 2, verbose: 0, seed: 5 });
      weights.push(await model.getWeights());
    }
    // LeNet's five weighted layers, a kernel and a bias each.
    expect(weights.map((w) => w.length)).toEqual([10, 10]);
    weights[1]!.forEach((w, i) => expect(bits(w), `weight ${i}`).toEqual(bits(weights[0]![i]!)));
  });

  it('keep running after a worker-sized task follows a tiny one, and stop when closed', async () => {
    const backend = await started(2);
    const small = backend.upload(Float32Array.of(1, -2, 3));
    expect(Array.from(await backend.read(backend.activation(small, 3, 'relu')))).toEqual([1, 0, 3]);
    const size = 100_000;
    const big = backend.upload(Float32Array.from({ length: size }, (_, i) => i - size / 2));
    const y = await backend.read(backend.activation(big, size, 'relu'));
    expect(y[0]).toBe(0);
    expect(y[size - 1]).toBe(size / 2 - 1);
    backend.close();
    expect(() => backend.upload(Float32Array.of(1))).toThrow(/after close/);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(/threads must be a positive integer/);
    expect(() => createCpuBackend({ threads: 1.5 })).toThrow(/threads must be a positive integer/);
  });
});
