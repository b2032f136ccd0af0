import { GPU } from 'gpu.js';
import { describe, expect, it } from 'vitest';
import { KernelCache } from './kernel-cache.js';
import { copySpec } from './kernels/elementwise.js';

describe('KernelCache with a limit', () => {
  it('destroys the least recently used kernel past the limit and recompiles it when it is needed again', () => {
    const gpu = new GPU({ mode: 'webasm' });
    try {
      const cache = new KernelCache(gpu, 2);
      const one = cache.get(copySpec(1), 'Array');
      const two = cache.get(copySpec(2), 'Array');
      // A hit makes `one` the most recently used, so `two` is the one evicted by a third shape.
      expect(cache.get(copySpec(1), 'Array')).toBe(one);
      const three = cache.get(copySpec(3), 'Array');
      expect(cache.size).toBe(2);
      expect(cache.evicted).toBe(1);
      // gpu.js drops a destroyed kernel from its instance: only the two kept ones remain there.
      expect((gpu as unknown as { kernels: unknown[] }).kernels.map((k) => (k as { output: number[] }).output[0])).toEqual([1, 3]);
      expect(Array.from(three(Float32Array.from([4, 5, 6])) as Float32Array)).toEqual([4, 5, 6]);
      const again = cache.get(copySpec(2), 'Array');
      expect(again).not.toBe(two);
      expect(Array.from(again(Float32Array.from([7, 8])) as Float32Array)).toEqual([7, 8]);
      expect(cache.evicted).toBe(2);
    } finally {
      void gpu.destroy();
    }
  });
});
