import { matMulInfo, type ActivationKind } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';
import { referenceMatMul, seededValues, worstError } from './reference.js';

const activations: Record<ActivationKind, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
};

async function matMulAgainstReference(m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, withBias: boolean, activation: ActivationKind): Promise<number> {
  const backend = createCpuBackend();
  const a = seededValues(m * k, m * 31 + k);
  const b = seededValues(k * n, n * 17 + k);
  const bias = seededValues(n, 7);
  const c = backend.matMul(
    backend.upload(a),
    backend.upload(b),
    withBias ? backend.upload(bias) : null,
    matMulInfo(m, k, n, transposeA, transposeB),
    activation,
  );
  const expected = referenceMatMul(a, b, m, k, n, transposeA, transposeB).map((v, i) => activations[activation](v + (withBias ? bias[i % n]! : 0)));
  return worstError(await backend.read(c), expected, 1e-5, 1e-5);
}

describe('matMul', () => {
  // Odd sizes leave partial 4x4 tiles on both edges (n = 6 ends in a two-column tile); k = 300 crosses a depth block.
  const shapes: [number, number, number][] = [[1, 1, 1], [7, 13, 5], [5, 10, 6], [33, 3, 17], [6, 300, 9], [32, 256, 120]];
  for (const [m, k, n] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches float64 loops for [${m}x${k}]${transposeA ? 'ᵀ' : ''} @ [${k}x${n}]${transposeB ? 'ᵀ' : ''}`, async () => {
          expect(await matMulAgainstReference(m, k, n, transposeA, transposeB, false, 'linear')).toBeLessThan(1);
        });
      }
    }
  }

  for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
    it(`fuses the bias and ${activation} into the result`, async () => {
      expect(await matMulAgainstReference(10, 21, 11, false, false, true, activation)).toBeLessThan(1);
      expect(await matMulAgainstReference(10, 21, 11, true, true, true, activation)).toBeLessThan(1);
    });
  }

  it('computes a hand-checked product', async () => {
    const backend = createCpuBackend();
    // [[1,2],[3,4]] @ [[5,6],[7,8]] + [1,-100] = [[20,-78],[44,-50]], relu -> [[20,0],[44,0]]
    const c = backend.matMul(
      backend.upload(Float32Array.of(1, 2, 3, 4)),
      backend.upload(Float32Array.of(5, 6, 7, 8)),
      backend.upload(Float32Array.of(1, -100)),
      matMulInfo(2, 2, 2),
      'relu',
    );
    expect(Array.from(await backend.read(c))).toEqual([20, 0, 44, 0]);
  });

  it('rejects operands whose size does not match the info', () => {
    const backend = createCpuBackend();
    expect(() => backend.matMul(backend.upload(new Float32Array(6)), backend.upload(new Float32Array(6)), null, matMulInfo(2, 4, 2), 'linear')).toThrow(/matMul a has 6 elements, expected 8/);
  });
});
