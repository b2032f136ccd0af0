import { describe, expect, it } from 'vitest';
import { glorotUniform } from './initializers.js';
import { Random } from './random.js';

describe('Random', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('draws uniformly in [0, 1)', () => {
    const r = new Random(1);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = r.next();
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
  });

  it('shuffles into a permutation', () => {
    const order = Uint32Array.from({ length: 1000 }, (_, i) => i);
    new Random(7).shuffle(order);
    expect([...order].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...order.slice(0, 10)]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('glorotUniform', () => {
  it('stays within the Keras limit sqrt(6/(fan_in+fan_out)) with conv fans times kh*kw', () => {
    const w = glorotUniform([5, 5, 1, 6], new Random(3));
    const limit = Math.sqrt(6 / (25 * 1 + 25 * 6));
    expect(w.length).toBe(150);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * limit);
  });
});
