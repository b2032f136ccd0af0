import type { LossInfo } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';

const keras = (batch: number, classes: number): LossInfo => ({ kind: 'sparse-categorical-crossentropy', batch, classes, epsilon: 1e-7 });
const softmaxLoss = (batch: number, classes: number): LossInfo => ({ kind: 'softmax-cross-entropy', batch, classes, epsilon: 1e-7 });

async function run(input: number[], labels: number[], info: LossInfo): Promise<{ loss: number; correct: number; gradient: number[] }> {
  const backend = createCpuBackend();
  const result = backend.loss(backend.upload(Float32Array.from(input)), backend.upload(Float32Array.from(labels)), info);
  return {
    loss: (await backend.read(result.loss))[0]!,
    correct: (await backend.read(result.correct))[0]!,
    gradient: Array.from(await backend.read(result.gradient)),
  };
}

describe('sparse-categorical-crossentropy (TF 2.0 Keras on probabilities)', () => {
  it('is the batch mean of -log(q_y / sum q) with q clipped to [1e-7, 1 - 1e-7]', async () => {
    // Row 0: -log(0.5 / 1) = ln 2. Row 1: q = [1e-7, 1 - 1.2e-7, 0.5], -log(0.5 / 1.5000000) = ln 3.
    const { loss } = await run([0.2, 0.5, 0.3, 0, 1, 0.5], [1, 2], keras(2, 3));
    expect(loss).toBeCloseTo((Math.LN2 + Math.log(3)) / 2, 6);
  });

  it('has gradient (1/sum q - [j = y]/q_y) / batch, zero where the clip is active', async () => {
    const { gradient } = await run([0.2, 0.5, 0.3, 0, 1, 0.5], [1, 2], keras(2, 3));
    const sum = Math.fround(1e-7) + Math.fround(1 - Math.fround(1e-7)) + 0.5;
    const expected = [0.5, -0.5, 0.5, 0, 0, (1 / sum - 2) / 2];
    expect(gradient).toHaveLength(expected.length);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
  });

  it('passes the gradient at the clip bounds themselves, as TF clip_by_value does', async () => {
    const lo = Math.fround(1e-7);
    const hi = Math.fround(1 - lo);
    const { gradient } = await run([lo, hi], [1], keras(1, 2));
    const sum = lo + hi;
    expect(gradient[0]).toBeCloseTo(1 / sum, 6);
    expect(gradient[1]).toBeCloseTo(1 / sum - 1 / hi, 6);
    expect(gradient[1]).not.toBe(0);
  });

  it('counts rows whose argmax is the label, the first index winning ties', async () => {
    const { correct } = await run([0.5, 0.5, 0.1, 0.9, 0.7, 0.7, 0.2, 0.3], [0, 1, 1, 0], keras(4, 2));
    expect(correct).toBe(2);
  });

  it('rejects a label that is not a class id', async () => {
    await expect(run([0.5, 0.5], [2], keras(1, 2))).rejects.toThrow(/label 2 of row 0 is not a class id in \[0, 2\)/);
  });
});

describe('softmax-cross-entropy', () => {
  it('is -log softmax_y with gradient (softmax - onehot) / batch', async () => {
    const { loss, gradient } = await run([0, 0, 0, 0, 1, 2, 3, 4], [2, 3], softmaxLoss(2, 4));
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4);
    expect(loss).toBeCloseTo((Math.log(4) + Math.log(z) - 4) / 2, 6);
    const expected = [0.125, 0.125, -0.375, 0.125, ...[1, 2, 3, 4].map((v) => (Math.exp(v) / z - (v === 4 ? 1 : 0)) / 2)];
    expect(gradient).toHaveLength(expected.length);
    gradient.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
  });

  it('stays finite for logits far beyond exp range', async () => {
    const { loss, gradient } = await run([1000, 0, -1000, -1000, 0, 1000], [0, 0], softmaxLoss(2, 3));
    expect(loss).toBeCloseTo(1000, 3);
    expect(gradient).toHaveLength(6);
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(gradient[0]).toBeCloseTo(0, 6);
    expect(gradient[3]).toBeCloseTo(-0.5, 6);
  });
});
