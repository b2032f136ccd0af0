import { availableParallelism } from 'node:os';
import { matMulInfo, pool2dInfo } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';

describe('memory accounting', () => {
  it('counts every upload and primitive result until it is disposed', () => {
    const backend = createCpuBackend();
    const a = backend.upload(new Float32Array(6));
    const b = backend.upload(new Float32Array(3));
    expect(backend.memory()).toEqual({ handles: 2, bytes: 36 });
    const c = backend.matMul(a, b, null, matMulInfo(2, 3, 1), 'linear');
    expect(backend.memory()).toEqual({ handles: 3, bytes: 44 });
    backend.dispose(c);
    backend.dispose(a);
    expect(backend.memory()).toEqual({ handles: 1, bytes: 12 });
  });

  it('ignores a second dispose of the same handle', () => {
    const backend = createCpuBackend();
    const a = backend.upload(new Float32Array(4));
    backend.upload(new Float32Array(4));
    backend.dispose(a);
    backend.dispose(a);
    expect(backend.memory()).toEqual({ handles: 1, bytes: 16 });
  });

  it('counts both outputs of maxPool and all three of loss', () => {
    const backend = createCpuBackend();
    const x = backend.upload(new Float32Array(4));
    backend.maxPool(x, pool2dInfo([1, 2, 2, 1], [2, 2]));
    expect(backend.memory().handles).toBe(3);
    backend.loss(x, backend.upload(Float32Array.of(0, 1)), { kind: 'softmax-cross-entropy', batch: 2, classes: 2, epsilon: 1e-7 });
    expect(backend.memory().handles).toBe(7);
  });

  it('copies on upload and on read, so callers cannot alias backend memory', async () => {
    const backend = createCpuBackend();
    const source = Float32Array.of(1, 2);
    const handle = backend.upload(source);
    source[0] = 99;
    const first = await backend.read(handle);
    first[1] = 99;
    expect(Array.from(await backend.read(handle))).toEqual([1, 2]);
  });

  it('refuses a handle after dispose', async () => {
    const backend = createCpuBackend();
    const a = backend.upload(Float32Array.of(1));
    backend.dispose(a);
    expect(() => backend.activation(a, 1, 'relu')).toThrow(/disposed/);
    await expect(backend.read(a)).rejects.toThrow(/disposed/);
  });

  it('is unusable after close', () => {
    const backend = createCpuBackend();
    backend.close?.();
    expect(() => backend.upload(Float32Array.of(1))).toThrow(/after close/);
  });

  it('describes itself', () => {
    const backend = createCpuBackend();
    expect(backend.name).toBe('cpu');
    expect(backend.description).toBe(`pure TypeScript (${availableParallelism()} thread${availableParallelism() === 1 ? '' : 's'})`);
    expect(createCpuBackend({ threads: 1 }).description).toBe('pure TypeScript (1 thread)');
    expect(createCpuBackend({ threads: 3 }).description).toBe('pure TypeScript (3 threads)');
  });
});

describe('memory accounting when a primitive refuses its arguments', () => {
  it('leaves no counted handle behind for a bad label or activation', () => {
    const backend = createCpuBackend();
    const x = backend.upload(Float32Array.of(0.5, 0.5));
    const labels = backend.upload(Float32Array.of(3));
    const before = backend.memory();
    expect(() => backend.loss(x, labels, { kind: 'sparse-categorical-crossentropy', batch: 1, classes: 2, epsilon: 1e-7 })).toThrow(/label 3/);
    expect(() => backend.activation(x, 2, 'tanh' as never)).toThrow(/unknown activation 'tanh'/);
    expect(backend.memory()).toEqual(before);
  });
});
