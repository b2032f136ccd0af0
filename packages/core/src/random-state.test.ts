import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random state', () => {
  it('continues the same sequence after getState / setState, even in another instance', () => {
    const a = new Random(42);
    a.shuffle(Uint32Array.from({ length: 100 }, (_, i) => i));
    const saved = a.getState();
    const expected = Array.from({ length: 20 }, () => a.nextUint32());
    const b = new Random(7).setState(saved);
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(expected);
  });

  it('returns a copy, so later draws do not change a saved state', () => {
    const a = new Random(1);
    const saved = a.getState();
    a.nextUint32();
    expect(a.getState()).not.toEqual(saved);
    expect(new Random(1).getState()).toEqual(saved);
  });

  it.each([[[1, 2, 3]], [[0, 0, 0, 0]], [[1, 2, 3, -1]], [[1, 2, 3, 2 ** 32]], [[1.5, 2, 3, 4]]])('rejects the invalid state %j', (state) => {
    expect(() => new Random(0).setState(state as unknown as [number, number, number, number])).toThrow(RangeError);
  });
});
