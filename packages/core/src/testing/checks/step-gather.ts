import type { SgdInfo } from '../../backend.js';
import { matMulInfo } from '../../geometry.js';
import { withScope } from '../handle-scope.js';
import type { ConformanceCheck } from './check.js';

/** Losses and counts of the kind fit gathers: tiny, huge, integral, zero, negative. */
const VALUES = [Math.fround(2.3025851), 1e-30, 3.4e38, 31, 0, -1.5, 0.1].map(Math.fround);

/**
 * How fit reads many steps' losses with one readback (training/step-readback.ts): each value, a [1,1]
 * matrix, times a row with -1 in its slot is subtracted from the vector by a plain SGD step of learning
 * rate 1. Only exact float32 results keep the printed losses identical to per-step reads: bit for bit.
 */
export const stepGatherCheck: ConformanceCheck = {
  id: 'stepGather/losses-and-counts',
  group: 'primitives',
  title: 'matMul by a one-hot row and an SGD step of learning rate 1 put each value in its own slot of a vector, bit for bit',
  exercises: ['matMul', 'sgdUpdate'],
  async run({ backend, record }) {
    const n = 2 * VALUES.length;
    const place = matMulInfo(1, 1, n);
    const add: SgdInfo = { size: n, learningRate: 1, momentum: 0, nesterov: false };
    const expected = new Float32Array(n);
    await withScope(backend, async (scope) => {
      let gathered = scope.uploadMutable(new Float32Array(n));
      VALUES.forEach((value, j) => {
        // Losses fill the first half, counts the second, interleaved as fit does it.
        const slot = j % 2 === 0 ? j / 2 : VALUES.length + (j - 1) / 2;
        const row = new Float32Array(n);
        row[slot] = -1;
        expected[slot] = value;
        const placed = scope.keep(backend.matMul(scope.upload(Float32Array.of(value), `value ${j}`), scope.upload(row, `row ${slot}`), null, place, 'linear'));
        gathered = scope.keep(backend.sgdUpdate(gathered, placed, null, add).param);
      });
      record.exact('gathered values', await scope.read(gathered), expected, [n]);
      for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
    });
  },
};
