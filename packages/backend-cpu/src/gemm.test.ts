import { matMulInfo, type ActivationKind } from '@lenet-ts/core';
import { reference, SeededRandom, type Comparison } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { closeToReference } from './close-to-reference.js';
import { createCpuBackend } from './index.js';

async function matMulAgainstReference(
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
  withBias: boolean,
  activation: ActivationKind,
): Promise<Comparison> {
  const backend = createCpuBackend();
  const a = new SeededRandom(m * 31 + k).floats(m * k, -1, 1);
  const b = new SeededRandom(n * 17 + k).floats(k * n, -1, 1);
  const bias = new SeededRandom(7).floats(n, -1, 1);
  const info = matMulInfo(m, k, n, transposeA, transposeB);
  const c = backend.matMul(backend.upload(a), backend.upload(b), withBias ? backend.upload(bias) : null, info, activation);
  return closeToReference('c', await backend.read(c), reference.matMul(a, b, withBias ? bias : null, info, activation));
}

function expectClose(close: Comparison): void {
  expect(close.passed, close.message).toBe(true);
}

describe('matMul', () => {
  // Odd sizes leave partial 4x4 tiles on both edges (n = 6 ends in a two-column tile); k = 300 crosses a depth block.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 13, 5],
    [5, 10, 6],
    [33, 3, 17],
    [6, 300, 9],
    [32, 256, 120],
  ];
  for (const [m, k, n] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches float64 loops for [${m}x${k}]${transposeA ? 'ᵀ' : ''} @ [${k}x${n}]${transposeB ? 'ᵀ' : ''}`, async () => {
          expectClose(await matMulAgainstReference(m, k, n, transposeA, transposeB, false, 'linear'));
        });
      }
    }
  }

  for (const activation of ['linear', 'relu', 'sigmoid'] as const) {
    it(`fuses the bias and ${activation} into the result`, async () => {
      expectClose(await matMulAgainstReference(10, 21, 11, false, false, true, activation));
      expectClose(await matMulAgainstReference(10, 21, 11, true, true, true, activation));
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
    expect(() => backend.matMul(backend.upload(new Float32Array(6)), backend.upload(new Float32Array(6)), null, matMulInfo(2, 4, 2), 'linear')).toThrow(
      /matMul a has 6 elements, expected 8/,
    );
  });
});
