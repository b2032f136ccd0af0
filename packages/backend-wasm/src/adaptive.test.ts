import { adamStepSize, type AdaptiveInfo, type AdaptiveKind } from '@lenet-ts/core';
import { createReferenceBackend, SeededRandom } from '@lenet-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './index.js';

const backends: WasmBackend[] = [];

afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});

/** The first element whose bit pattern differs (-0 vs 0 counts), or -1; vitest's toEqual is slow on long arrays. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  return x.findIndex((bits, i) => bits !== y[i]);
}

function info(kind: AdaptiveKind, size: number, step: number): AdaptiveInfo {
  return kind === 'adam'
    ? { kind, size, learningRate: adamStepSize(0.001, 0.9, 0.999, step), beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    : { kind, size, learningRate: 0.001, beta1: 0, beta2: 0.9, epsilon: 1e-7 };
}

describe('adaptiveUpdate', () => {
  for (const kind of ['adam', 'rmsprop'] as const) {
    it(`${kind}: updates in place and is bit-identical to the reference backend's float32 loop on 1 and 3 threads, both SIMD modes`, async () => {
      // Well above the 32768 elements from which element-wise work is shared with the workers (whether they claim
      // any is up to the scheduler on a busy machine; threads.test.ts proves they do).
      const size = 1 << 17;
      const random = new SeededRandom(3);
      const param = random.floats(size, -0.2, 0.2);
      const grads = [1, 2, 3].map(() => random.floats(size, -0.05, 0.05));
      const reference = createReferenceBackend();
      let expected = {
        param: reference.upload(param),
        m: kind === 'adam' ? reference.upload(new Float32Array(size)) : null,
        v: reference.upload(new Float32Array(size)),
      };
      grads.forEach((g, i) => (expected = reference.adaptiveUpdate(expected.param, reference.upload(g), expected.m, expected.v, info(kind, size, i + 1))));
      for (const [threads, simd] of [
        [1, 'plain'],
        [3, 'auto'],
      ] as const) {
        const backend = await createWasmBackend({ threads, simd });
        backends.push(backend);
        const p = backend.upload(param);
        const m = kind === 'adam' ? backend.upload(new Float32Array(size)) : null;
        const v = backend.upload(new Float32Array(size));
        for (const [i, g] of grads.entries()) {
          const result = backend.adaptiveUpdate(p, backend.upload(g), m, v, info(kind, size, i + 1));
          expect(result.param).toBe(p);
          expect(result.m).toBe(m);
          expect(result.v).toBe(v);
        }
        expect(firstDifference(await backend.read(p), await reference.read(expected.param)), `param, ${threads} threads`).toBe(-1);
        expect(firstDifference(await backend.read(v), await reference.read(expected.v)), `v, ${threads} threads`).toBe(-1);
        if (m !== null) expect(firstDifference(await backend.read(m), await reference.read(expected.m!)), `m, ${threads} threads`).toBe(-1);
      }
    });
  }
});
