import { describe, expect, it } from 'vitest';
import { Adam, adamStepSize } from './adam.js';
import { Engine } from './engine.js';
import type { Param } from './layers/layer.js';
import { exponentialDecay } from './learning-rate.js';
import { RMSprop } from './rmsprop.js';
import { createReferenceBackend } from './testing/reference-backend.js';

/** One weight with a gradient the test sets before each step. */
function param(engine: Engine, values: number[]): Param {
  return { name: 'w', value: engine.keep(engine.upload(Float32Array.from(values), [values.length])), grad: null };
}

/** Keras (TF 2.x) Adam in float64, written from the formulas: t = 1, 2, ...; alpha = lr sqrt(1 - b2^t) / (1 - b1^t). */
function kerasAdam(p: number[], grads: number[][], lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    p = p.map((w, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      return w - (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    });
  });
  return p;
}

async function train(optimizer: Adam | RMSprop, start: number[], grads: number[][]): Promise<Float32Array> {
  const engine = new Engine(createReferenceBackend());
  const w = param(engine, start);
  for (const g of grads) {
    w.grad?.dispose();
    w.grad = engine.upload(Float32Array.from(g), [g.length]);
    optimizer.apply(engine, [w]);
  }
  return w.value.data();
}

const GRADS = [
  [0.5, -0.01, 1e-6],
  [0.4, 0.02, -1e-6],
  [-0.3, 0.01, 2e-6],
];

describe('Adam', () => {
  it('has Keras defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7', () => {
    expect(new Adam().describe()).toBe('Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7');
  });

  it("bias-corrects by the step count: three steps match Keras' formulas in float64 to float32 rounding", async () => {
    const got = await train(new Adam({ learningRate: 0.01 }), [1, -1, 0.5], GRADS);
    const want = kerasAdam([1, -1, 0.5], GRADS, 0.01);
    got.forEach((w, i) => expect(Math.abs(w - want[i]!)).toBeLessThan(4e-7));
    // Without the bias correction the first step would move by lr (1 - b1) / sqrt(1 - b2) = 3.16 lr, not lr.
    expect(adamStepSize(0.01, 0.9, 0.999, 1)).toBeCloseTo((0.01 * Math.sqrt(0.001)) / 0.1, 12);
  });

  it('counts iterations and follows a schedule of them', async () => {
    const adam = new Adam({ learningRate: exponentialDecay(0.01, 1, 0.5) });
    await train(adam, [1, 1, 1], GRADS);
    expect(adam.iterations).toBe(3);
    expect(adam.learningRate).toBeCloseTo(0.01 * 0.5 ** 3);
  });

  it('refuses settings Keras would not train with', () => {
    expect(() => new Adam({ learningRate: 0 })).toThrow(/learning rate must be a positive number, got 0/);
    expect(() => new Adam({ beta1: 1 })).toThrow(/beta1 must be in \[0, 1\), got 1/);
    expect(() => new Adam({ epsilon: -1 })).toThrow(/epsilon must be a positive number/);
  });
});

describe('RMSprop', () => {
  it('has Keras defaults and steps lr g / (sqrt(v) + epsilon), epsilon outside the root', async () => {
    expect(new RMSprop().describe()).toBe('RMSprop lr 0.001, rho 0.9, epsilon 1e-7');
    const got = await train(new RMSprop({ learningRate: 0.01 }), [1, -1, 0.5], GRADS.slice(0, 1));
    // v = 0.1 g^2, so the step is 0.01 g / (sqrt(0.1) |g| + 1e-7).
    const want = [1, -1, 0.5].map((w, i) => w - (0.01 * GRADS[0]![i]!) / (Math.sqrt(0.1) * Math.abs(GRADS[0]![i]!) + 1e-7));
    got.forEach((w, i) => expect(Math.abs(w - want[i]!)).toBeLessThan(2e-7));
  });
});
