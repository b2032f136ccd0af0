import { withScope } from '../handle-scope.js';
import * as reference from '../reference.js';
import { reductionAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { probabilities } from './inputs.js';

/**
 * Long sums whose terms share a sign (a bias every pixel of a batch pushes the same way). With signed random
 * terms the allowance's sum-of-|terms| part dwarfs the error of any accumulator, so a sum kept in fewer bits
 * than float32 (a half-precision partial, a lossy fast path for large inputs) passes those checks; here |sum|
 * is the sum of |terms|, the running total grows with every term, and only float32-sized rounding fits.
 */
export const driftingSumChecks: readonly ConformanceCheck[] = [
  {
    id: 'biasGrad/lenet-conv1-same-sign',
    group: 'primitives',
    title: "biasGrad sums like the float64 reference when all of LeNet conv1's 18432 rows of 6 channels are positive",
    exercises: ['biasGrad'],
    async run({ backend, random, record, options }) {
      const rows = 32 * 24 * 24;
      const channels = 6;
      const dy = probabilities(random, rows * channels);
      const expected = reference.biasGrad(dy, rows, channels);
      const allowed = reductionAllowance(expected, expected, rows, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const db = scope.keep(backend.biasGrad(scope.upload(dy, 'dy'), rows, channels));
        record.close('biasGrad of same-sign rows', await scope.read(db), expected, allowed);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  },
];
