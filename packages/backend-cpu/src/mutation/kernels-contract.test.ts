// The kernels called directly, the way threads call them: on any chunk [start, end) of the rows or samples,
// in any order, each chunk writing only its own elements (what survived mutation through the backend,
// whose calling thread only ever runs the first chunk). Plus the exact boundaries of exp and sigmoid.
import { pool2dInfo, sizeOf } from '@lenet-ts/core';
import { reference, SeededRandom } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { exp, sigmoid } from '../activation.js';
import { biasGradPartial } from '../bias.js';
import { createCpuBackend } from '../index.js';
import { argmaxRow, assertLossInputs } from '../loss.js';
import { maxPool, maxPoolBackward } from '../pool.js';
import { sgdUpdate } from '../sgd.js';

const random = new SeededRandom(17);
const f32 = Math.fround;

describe('exp', () => {
  it('agrees with Math.exp to 1e-12 relative across the float64 range it serves', () => {
    for (let i = 0; i < 2000; i++) {
      const v = -700 + 1400 * random.next();
      expect(Math.abs(exp(v) / Math.exp(v) - 1), `exp(${v})`).toBeLessThan(1e-12);
    }
    for (const v of [0, 1, -1, 0.5, -0.5, Math.LN2, 88, -88]) expect(Math.abs(exp(v) / Math.exp(v) - 1)).toBeLessThan(1e-12);
  });

  it('clamps below -745 and above 709 instead of leaving its tables', () => {
    expect(exp(-800)).toBe(exp(-745));
    expect(exp(800)).toBe(exp(709));
    expect(Number.isFinite(exp(800))).toBe(true);
    expect(Math.abs(exp(709) / Math.exp(709) - 1)).toBeLessThan(1e-12);
    expect(exp(Number.NaN)).toBeNaN();
  });
});

describe('sigmoid', () => {
  it('rounds to the float32 of the exact value, saturated or not', () => {
    for (const x of [-120, -104.5, -104, -100, -90, -87.5, -87, -86, -50, -1, 0, 1, 39, 40, 41, 100, 1000]) {
      expect(f32(sigmoid(x)), `sigmoid(${x})`).toBe(f32(1 / (1 + Math.exp(-x))));
    }
    expect(sigmoid(-200)).toBe(0);
    expect(f32(sigmoid(200))).toBe(1);
  });
});

describe('sgdUpdate on chunks', () => {
  it.each([
    ['plain', 0, false],
    ['momentum', 0.9, false],
    ['nesterov', 0.9, true],
  ] as const)('%s: chunks run last-first give the whole update, every element updated once', (_what, momentum, nesterov) => {
    const size = 97;
    const param = random.floats(size, -1, 1);
    const grad = random.floats(size, -1, 1);
    const velocity = momentum > 0 ? random.floats(size, -0.1, 0.1) : null;
    const whole = { p: Float32Array.from(param), v: velocity && Float32Array.from(velocity) };
    sgdUpdate(whole.p, grad, whole.v, 0.05, momentum, nesterov, 0, size);
    const chunked = { p: Float32Array.from(param), v: velocity && Float32Array.from(velocity) };
    for (const [start, end] of [
      [60, 97],
      [30, 60],
      [0, 30],
    ] as const)
      sgdUpdate(chunked.p, grad, chunked.v, 0.05, momentum, nesterov, start, end);
    expect(chunked.p).toEqual(whole.p);
    expect(chunked.v).toEqual(whole.v);
    // And the values themselves, for element 0 (Keras: v = m v - lr g; p += v, or p += m v - lr g).
    const step = f32(f32(0.05) * grad[0]!);
    if (velocity === null) {
      expect(whole.p[0]).toBe(f32(param[0]! - step));
    } else {
      const v = f32(f32(f32(momentum) * velocity[0]!) - step);
      expect(whole.v![0]).toBe(v);
      expect(whole.p[0]).toBe(nesterov ? f32(param[0]! + f32(f32(f32(momentum) * v) - step)) : f32(param[0]! + v));
    }
  });
});

describe('biasGradPartial', () => {
  it('sums only rows [rowStart, rowEnd) into sums[offset ..], touching nothing past the channels', () => {
    const rows = 9;
    const channels = 5;
    const dy = random.floats(rows * channels, -1, 1);
    const sums = new Float64Array(2 + channels + 1).fill(Number.NaN);
    biasGradPartial(dy, channels, 3, 7, sums, 2);
    const expected = reference.biasGrad(dy.subarray(3 * channels, 7 * channels), 4, channels);
    expect(Array.from(sums.subarray(2, 2 + channels))).toEqual(Array.from(expected));
    expect(sums[0]).toBeNaN();
    expect(sums[2 + channels]).toBeNaN();
  });
});

describe('maxPool and maxPoolBackward on samples [start, end)', () => {
  it.each([
    ['2x2 stride 2 (the fast path)', [4, 6, 6, 3], [2, 2], [2, 2], 'valid'],
    ['3x3 stride 2, same padding', [4, 7, 9, 3], [3, 3], [2, 2], 'same'],
    ['2x2 stride 1', [4, 5, 5, 2], [2, 2], [1, 1], 'valid'],
    ['2x3 stride 2', [4, 6, 7, 2], [2, 3], [2, 2], 'valid'],
    ['3x2 stride 2', [4, 7, 6, 2], [3, 2], [2, 2], 'valid'],
    ['2x2 stride 2x1', [4, 6, 6, 2], [2, 2], [2, 1], 'valid'],
    ['2x2 stride 1x2', [4, 6, 6, 2], [2, 2], [1, 2], 'valid'],
    ['2x2 stride 2, same padding on odd sizes', [4, 7, 7, 2], [2, 2], [2, 2], 'same'],
  ] as const)(
    '%s: each sample range gives the reference output, argmax and gradient, and writes nothing else',
    (_what, inShape, poolSize, strides, padding) => {
      const info = pool2dInfo(inShape, poolSize, strides, padding);
      // Ties (integers) and negatives, so the first maximum must win and -0/negatives order right.
      const x = Float32Array.from(random.integers(sizeOf(info.inShape), 5), (v) => v - 3);
      const expected = reference.maxPool(x, info);
      const perSample = sizeOf(info.outShape) / info.batch;
      const y = new Float32Array(sizeOf(info.outShape)).fill(Number.NaN);
      const argmax = new Float32Array(y.length).fill(Number.NaN);
      maxPool(x, info, y, argmax, 2, 3);
      expect(Array.from(y.subarray(2 * perSample, 3 * perSample))).toEqual(Array.from(expected.y.subarray(2 * perSample, 3 * perSample)));
      expect(Array.from(argmax.subarray(2 * perSample, 3 * perSample))).toEqual(Array.from(expected.argmax.subarray(2 * perSample, 3 * perSample)));
      expect(y.subarray(0, 2 * perSample).every(Number.isNaN)).toBe(true);
      expect(y.subarray(3 * perSample).every(Number.isNaN)).toBe(true);
      maxPool(x, info, y, argmax, 3, 4);
      maxPool(x, info, y, argmax, 0, 2);
      expect(Array.from(y)).toEqual(Array.from(expected.y));
      expect(Array.from(argmax)).toEqual(Array.from(expected.argmax));

      const dy = random.floats(y.length, -1, 1);
      const dxExpected = reference.maxPoolBackward(dy, expected.argmax, info);
      const perInput = sizeOf(info.inShape) / info.batch;
      const dx = new Float32Array(sizeOf(info.inShape)).fill(7);
      maxPoolBackward(dy, argmax, dx, info, 1, 3);
      // Overlapping windows add several dy into one dx in float32; the reference sums in float64.
      const got = dx.subarray(perInput, 3 * perInput);
      const want = dxExpected.subarray(perInput, 3 * perInput);
      expect(got.every((v, i) => Math.abs(v - want[i]!) <= 1e-6)).toBe(true);
      expect(got.some((v) => v !== 0)).toBe(true);
      expect(dx.subarray(0, perInput).every((v) => v === 7)).toBe(true);
      expect(dx.subarray(3 * perInput).every((v) => v === 7)).toBe(true);
    },
  );
});

describe('loss helpers', () => {
  it('argmaxRow: the first maximum of the row wins, wherever the row starts', () => {
    const x = Float32Array.of(9, 9, 1, 3, 3, 2, 0, 5);
    expect(argmaxRow(x, 2, 3)).toBe(1); // [1, 3, 3]: the first 3
    expect(argmaxRow(x, 5, 3)).toBe(2); // [2, 0, 5]: the last
    expect(argmaxRow(x, 0, 2)).toBe(0); // [9, 9]
    expect(argmaxRow(Float32Array.of(-1, -2, -0.5), 0, 3)).toBe(2);
  });

  it.each([1.5, -1, 3])('refuses the label %d (not a class id of 3), naming its row', (label) => {
    expect(() => assertLossInputs(Float32Array.of(0, label), { kind: 'softmax-cross-entropy', batch: 2, classes: 3, epsilon: 1e-7 })).toThrow(
      `cpu backend: label ${label} of row 1 is not a class id in [0, 3)`,
    );
  });

  it('refuses an unknown loss kind', () => {
    expect(() => assertLossInputs(Float32Array.of(0), { kind: 'hinge' as never, batch: 1, classes: 3, epsilon: 1e-7 })).toThrow(
      "cpu backend: unknown loss 'hinge'; expected sparse-categorical-crossentropy or softmax-cross-entropy",
    );
  });

  it('counts a row correct only when its argmax is the label; softmax loss with the max in the last column', async () => {
    const backend = createCpuBackend({ threads: 1 });
    try {
      const input = Float32Array.of(0, 1, 5, 3, 2, 1);
      const result = backend.loss(backend.upload(input), backend.upload(Float32Array.of(2, 2)), {
        kind: 'softmax-cross-entropy',
        batch: 2,
        classes: 3,
        epsilon: 1e-7,
      });
      expect((await backend.read(result.correct))[0]).toBe(1);
      const z0 = Math.exp(-5) + Math.exp(-4) + 1;
      const z1 = 1 + Math.exp(-1) + Math.exp(-2);
      expect((await backend.read(result.loss))[0]).toBeCloseTo((Math.log(z0) + (2 + Math.log(z1))) / 2, 6);
      const g = await backend.read(result.gradient);
      expect(g[2]).toBeCloseTo((1 / z0 - 1) / 2, 6);
      expect(g[3]).toBeCloseTo(1 / z1 / 2, 6);
      // Probabilities beyond the clip: 0 and 1 count as 1e-7 and 1 - 1e-7.
      const clipped = backend.loss(backend.upload(Float32Array.of(0, 1)), backend.upload(Float32Array.of(0)), {
        kind: 'sparse-categorical-crossentropy',
        batch: 1,
        classes: 2,
        epsilon: 1e-7,
      });
      const lo = f32(1e-7);
      expect((await backend.read(clipped.loss))[0]).toBeCloseTo(-Math.log(lo / (lo + f32(1 - lo))), 4);
    } finally {
      backend.close();
    }
  });

  it('relu gives +0 for -0 and negatives, as the reference does', async () => {
    const backend = createCpuBackend({ threads: 1 });
    try {
      const y = await backend.read(backend.activation(backend.upload(Float32Array.of(-0, -1, 0, 2)), 4, 'relu'));
      expect(Object.is(y[0], 0)).toBe(true);
      expect(Array.from(y)).toEqual([0, 0, 0, 2]);
    } finally {
      backend.close();
    }
  });
});
