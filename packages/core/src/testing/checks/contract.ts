import { BACKEND_API_VERSION } from '../../backend.js';
import { withScope } from '../handle-scope.js';
import type { ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

/** Values a float32 round trip must keep bit for bit: signs, zeros, pixels, argmax-sized integers, the float32 extremes. */
function roundTripValues(): Float32Array {
  return Float32Array.of(0, -0, 1, -1, 0.5, 255, 254.5, 1e-7, -3.4e38, 3.4e38, 1.2e-38, Math.fround(Math.PI), Math.fround(1 / 3), 110591, 16777216);
}

export const contractChecks: readonly ConformanceCheck[] = [
  {
    id: 'contract/version',
    group: 'contract',
    title: `declares Backend API v${BACKEND_API_VERSION}, a name and a description`,
    exercises: [],
    async run({ backend, record }) {
      record.expect(backend.apiVersion === BACKEND_API_VERSION, `apiVersion is ${String(backend.apiVersion)}, expected ${BACKEND_API_VERSION}`);
      record.expect(typeof backend.name === 'string' && backend.name.length > 0, 'name must be a non-empty string');
      record.expect(typeof backend.description === 'string' && backend.description.length > 0, 'description must say what runs underneath');
    },
  },
  {
    id: 'contract/round-trip',
    group: 'contract',
    title: 'upload then read returns the same float32 values bit for bit',
    exercises: ['upload', 'read'],
    async run({ backend, random, record }) {
      await withScope(backend, async (scope) => {
        for (const values of [roundTripValues(), signed(random, 1001, 100), new Float32Array(1)]) {
          const got = await scope.read(scope.upload(values, 'values'));
          record.exact(`read(upload(${values.length} values))`, got, values);
        }
      });
    },
  },
  {
    id: 'contract/upload-copies',
    group: 'contract',
    title: 'upload copies its data: changing the source array afterwards leaves the handle as uploaded',
    exercises: ['upload', 'read'],
    async run({ backend, random, record }) {
      await withScope(backend, async (scope) => {
        const source = signed(random, 64);
        const original = Float32Array.from(source);
        const handle = scope.uploadMutable(source);
        source.fill(7);
        record.exact('handle after the source array changed', await scope.read(handle), original);
      });
    },
  },
  {
    id: 'contract/read-copies',
    group: 'contract',
    title: 'read returns an array the caller owns: changing it leaves the handle as it was',
    exercises: ['read'],
    async run({ backend, random, record }) {
      await withScope(backend, async (scope) => {
        const values = signed(random, 64);
        const handle = scope.uploadMutable(values);
        (await scope.read(handle)).fill(7);
        record.exact('second read after the first result was changed', await scope.read(handle), values);
      });
    },
  },
];
