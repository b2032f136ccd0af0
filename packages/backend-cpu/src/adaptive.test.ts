import { adaptiveAgainstReference } from '@lenet-ts/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCpuBackend, type CpuBackend } from './index.js';

const backends: CpuBackend[] = [];

afterEach(() => {
  for (const b of backends.splice(0)) b.close();
});

describe('adaptiveUpdate', () => {
  for (const kind of ['adam', 'rmsprop'] as const) {
    it(`${kind}: updates in place and is bit-identical to the reference backend's float32 loop on 1 and 3 threads`, async () => {
      // 2^17 elements, well above the 32,768 from which element-wise work is shared with the workers (whether
      // they claim any is up to the scheduler on a busy machine; threads.test.ts proves they do).
      for (const threads of [1, 3]) {
        const backend = createCpuBackend({ threads });
        backends.push(backend);
        await backend.startWorkers();
        expect(await adaptiveAgainstReference(backend, kind), `${threads} threads`).toEqual({ inPlace: true, param: -1, m: -1, v: -1 });
      }
    });
  }
});
