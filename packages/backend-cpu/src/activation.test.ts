import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';

async function activate(values: number[], kind: 'linear' | 'relu' | 'sigmoid'): Promise<number[]> {
  const backend = createCpuBackend();
  return Array.from(await backend.read(backend.activation(backend.upload(Float32Array.from(values)), values.length, kind)));
}

describe('activation', () => {
  it('sigmoid saturates to 0 and 1 without NaN for huge inputs', async () => {
    expect(await activate([-1e4, -100, 0, 100, 1e4, -Infinity, Infinity], 'sigmoid')).toEqual([0, Math.fround(1 / (1 + Math.exp(100))), 0.5, 1, 1, 0, 1]);
  });

  it('relu zeroes negatives and linear copies', async () => {
    expect(await activate([-2, -0.5, 0, 3], 'relu')).toEqual([0, 0, 0, 3]);
    expect(await activate([-2, 0.25], 'linear')).toEqual([-2, 0.25]);
  });

  it('does not change its input', async () => {
    const backend = createCpuBackend();
    const x = backend.upload(Float32Array.of(-1, 1));
    backend.activation(x, 2, 'relu');
    expect(Array.from(await backend.read(x))).toEqual([-1, 1]);
  });
});

describe('activationBackward', () => {
  async function backward(dy: number[], y: number[], kind: 'linear' | 'relu' | 'sigmoid'): Promise<number[]> {
    const backend = createCpuBackend();
    const dx = backend.activationBackward(backend.upload(Float32Array.from(dy)), backend.upload(Float32Array.from(y)), dy.length, kind);
    return Array.from(await backend.read(dx));
  }

  it('uses the sigmoid output: dx = dy * y * (1 - y)', async () => {
    expect(await backward([2, 4, 1], [0.5, 0.25, 1], 'sigmoid')).toEqual([0.5, 0.75, 0]);
  });

  it('passes relu gradients only where the output is positive', async () => {
    expect(await backward([2, 4, 1], [0, 0.25, 3], 'relu')).toEqual([0, 4, 1]);
  });

  it('passes linear gradients unchanged', async () => {
    expect(await backward([2, -4], [9, 9], 'linear')).toEqual([2, -4]);
  });
});

describe('softmax', () => {
  it('normalises each row and survives large logits', async () => {
    const backend = createCpuBackend();
    const y = await backend.read(backend.softmax(backend.upload(Float32Array.of(0, 0, 1000, 1000, Math.log(3), 0)), 3, 2));
    expect(Array.from(y)).toEqual([0.5, 0.5, 0.5, 0.5, 0.75, 0.25]);
  });
});

describe('biasGrad', () => {
  it('sums dy over rows for each channel', async () => {
    const backend = createCpuBackend();
    const db = backend.biasGrad(backend.upload(Float32Array.of(1, 2, 3, 10, 20, 30)), 2, 3);
    expect(Array.from(await backend.read(db))).toEqual([11, 22, 33]);
  });
});
