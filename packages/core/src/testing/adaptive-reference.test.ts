import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend.js';
import { adaptiveAgainstReference, firstBitDifference } from './adaptive-reference.js';
import { createReferenceBackend } from './reference-backend.js';

type Update = Backend<Float32Array>['adaptiveUpdate'];

/** The reference backend (whose handles are its Float32Arrays) with its adaptiveUpdate changed by `change`. */
function altered(change: (base: Backend<Float32Array>, ...args: Parameters<Update>) => ReturnType<Update>): Backend<Float32Array> {
  const base = createReferenceBackend();
  const backend = Object.create(base) as Backend<Float32Array>;
  backend.adaptiveUpdate = (...args) => change(base, ...args);
  return backend;
}

describe('adaptiveAgainstReference', () => {
  it('finds no difference for the reference backend itself, which returns new handles, Adam and RMSprop', async () => {
    for (const kind of ['adam', 'rmsprop'] as const) {
      expect(await adaptiveAgainstReference(createReferenceBackend(), kind, { size: 1000 })).toEqual({ inPlace: false, param: -1, m: -1, v: -1 });
    }
  });

  it('names the first element of each tensor that differs by one bit', async () => {
    const nudged = altered((base, param, grad, m, v, info) => {
      const result = base.adaptiveUpdate(param, grad, m, v, info);
      // One ulp on element 17 of the second moment.
      new Uint32Array(result.v.buffer, result.v.byteOffset, result.v.length)[17]! += 1;
      return result;
    });
    const result = await adaptiveAgainstReference(nudged, 'rmsprop', { size: 1000, steps: 1 });
    expect(result).toEqual({ inPlace: false, param: -1, m: -1, v: 17 });
  });

  it('says whether every update kept its handles (in place)', async () => {
    // Copies the reference's results back into the given handles, as an in-place backend would.
    const inPlace = altered((base, param, grad, m, v, info) => {
      const result = base.adaptiveUpdate(param, grad, m, v, info);
      param.set(result.param);
      if (m !== null && result.m !== null) m.set(result.m);
      v.set(result.v);
      return { param, m, v };
    });
    expect(await adaptiveAgainstReference(inPlace, 'adam', { size: 100 })).toEqual({ inPlace: true, param: -1, m: -1, v: -1 });
  });

  it('compares bit patterns: -0 differs from 0, lengths must match', () => {
    expect(firstBitDifference(Float32Array.of(1, 0, 2), Float32Array.of(1, -0, 2))).toBe(1);
    expect(firstBitDifference(Float32Array.of(NaN), Float32Array.of(NaN))).toBe(-1);
    expect(firstBitDifference(Float32Array.of(1), Float32Array.of(1, 2))).toBe(0);
  });
});
