import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './index.js';

describe('handles', () => {
  it('count bytes exactly and are refused once disposed, by another backend, or after close', async () => {
    const backend = await createWasmBackend({ threads: 1 });
    const other = await createWasmBackend({ threads: 1 });
    try {
      const a = backend.upload(Float32Array.of(1, 2, 3));
      expect(backend.memory()).toEqual({ handles: 1, bytes: 12 });
      backend.dispose(a);
      backend.dispose(a);
      expect(backend.memory()).toEqual({ handles: 0, bytes: 0 });
      expect(() => backend.activation(a, 3, 'relu')).toThrow(/disposed or was not made by this backend/);
      await expect(backend.read(a)).rejects.toThrow(/disposed/);
      const foreign = other.upload(Float32Array.of(1));
      expect(() => backend.activation(foreign, 1, 'relu')).toThrow(/not made by this backend/);
      const x = backend.upload(Float32Array.of(0, 1));
      const labels = backend.upload(Float32Array.of(3));
      expect(() => backend.loss(x, labels, { kind: 'sparse-categorical-crossentropy', batch: 1, classes: 2, epsilon: 1e-7 })).toThrow(/label 3/);
      expect(() => backend.activation(x, 2, 'tanh' as never)).toThrow(/unknown activation 'tanh'/);
      expect(() => backend.activation(x, 3, 'relu')).toThrow(/has 2 elements, expected 3/);
    } finally {
      backend.close();
      other.close();
    }
    expect(() => backend.upload(Float32Array.of(1))).toThrow(/after close/);
  });

  it('reuse freed blocks, so that repeated steps do not grow the memory, and survive the memory growing', async () => {
    const backend = await createWasmBackend({ threads: 1 });
    try {
      // 8 MiB: more than the initial 4 MiB memory, so it grows while older handles stay readable.
      const small = backend.upload(Float32Array.of(5, 6, 7));
      const big = backend.upload(new Float32Array(2 * 1024 * 1024).fill(2));
      expect(Array.from(await backend.read(small))).toEqual([5, 6, 7]);
      const y = await backend.read(backend.activation(big, big.length, 'relu'));
      expect(y[y.length - 1]).toBe(2);
      const first = backend.upload(new Float32Array(1000));
      const address = first.address;
      backend.dispose(first);
      const second = backend.upload(new Float32Array(1000));
      expect(second.address).toBe(address);
    } finally {
      backend.close();
    }
  });
});
