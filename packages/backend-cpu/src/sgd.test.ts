import type { SgdInfo } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';

const f = Math.fround;

describe('sgdUpdate', () => {
  it('plain SGD subtracts lr * grad in place and returns the same handle', async () => {
    const backend = createCpuBackend();
    const param = backend.upload(Float32Array.of(1, -2, 0.5));
    const info: SgdInfo = { size: 3, learningRate: 0.9, momentum: 0, nesterov: false };
    const result = backend.sgdUpdate(param, backend.upload(Float32Array.of(1, 0, -2)), null, info);
    expect(result.param).toBe(param);
    expect(result.velocity).toBeNull();
    expect(Array.from(await backend.read(param))).toEqual([f(1 - f(0.9)), -2, f(0.5 + f(2 * f(0.9)))]);
  });

  it('momentum follows Keras: v = m*v - lr*g; p += v', async () => {
    const backend = createCpuBackend();
    const info: SgdInfo = { size: 2, learningRate: 0.1, momentum: 0.5, nesterov: false };
    const param = backend.upload(Float32Array.of(1, 1));
    const grad = backend.upload(Float32Array.of(1, -1));
    const first = backend.sgdUpdate(param, grad, null, info);
    expect(first.velocity).not.toBeNull();
    // Step 1 from zero velocity: v = -0.1*g; step 2: v = 0.5*v - 0.1*g = -0.15*g.
    const second = backend.sgdUpdate(first.param, grad, first.velocity, info);
    expect(second.velocity).toBe(first.velocity);
    const v = await backend.read(second.velocity!);
    const p = await backend.read(second.param);
    expect(v[0]).toBeCloseTo(-0.15, 6);
    expect(v[1]).toBeCloseTo(0.15, 6);
    expect(p[0]).toBeCloseTo(1 - 0.1 - 0.15, 6);
    expect(p[1]).toBeCloseTo(1 + 0.1 + 0.15, 6);
  });

  it('nesterov adds m*v - lr*g with the new velocity', async () => {
    const backend = createCpuBackend();
    const info: SgdInfo = { size: 1, learningRate: 0.1, momentum: 0.5, nesterov: true };
    const param = backend.upload(Float32Array.of(1));
    const velocity = backend.upload(Float32Array.of(0.2));
    const { param: p, velocity: v } = backend.sgdUpdate(param, backend.upload(Float32Array.of(1)), velocity, info);
    // v = 0.5*0.2 - 0.1 = 0; p = 1 + 0.5*0 - 0.1 = 0.9
    expect((await backend.read(v!))[0]).toBeCloseTo(0, 7);
    expect((await backend.read(p))[0]).toBeCloseTo(0.9, 6);
  });
});
