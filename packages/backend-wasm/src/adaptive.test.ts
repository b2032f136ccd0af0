import { adaptiveAgainstReference } from '@lenet-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './index.js';

const backends: WasmBackend[] = [];

afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});

describe('adaptiveUpdate', () => {
  for (const kind of ['adam', 'rmsprop'] as const) {
    it(`${kind}: updates in place and is bit-identical to the reference backend's float32 loop on 1 and 3 threads, both SIMD modes`, async () => {
      // 2^17 elements, well above the 8,192 from which element-wise work is offered to the workers (whether
      // they claim any is up to the scheduler on a busy machine; threads.test.ts proves they do).
      for (const [threads, simd] of [
        [1, 'plain'],
        [3, 'auto'],
      ] as const) {
        const backend = await createWasmBackend({ threads, simd });
        backends.push(backend);
        expect(await adaptiveAgainstReference(backend, kind), `${threads} threads, ${simd} SIMD`).toEqual({ inPlace: true, param: -1, m: -1, v: -1 });
      }
    });
  }
});
