import { withScope } from '../handle-scope.js';
import * as reference from '../reference.js';
import { reductionAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

interface BiasGradCase {
  readonly id: string;
  readonly label: string;
  readonly rows: number;
  readonly channels: number;
}

const BIAS_GRAD_CASES: readonly BiasGradCase[] = [
  { id: 'lenet-conv1', label: "LeNet conv1's 32*24*24 = 18432 rows of 6 channels", rows: 32 * 24 * 24, channels: 6 },
  { id: 'lenet-dense1', label: "LeNet dense1's 32 rows of 120", rows: 32, channels: 120 },
  { id: 'odd', label: 'odd 7 rows of 13', rows: 7, channels: 13 },
  { id: 'batch-1', label: 'batch 1: one row of 10', rows: 1, channels: 10 },
];

function biasGradCheck(c: BiasGradCase): ConformanceCheck {
  return {
    id: `biasGrad/${c.id}`,
    group: 'primitives',
    title: `biasGrad sums dy over rows like the float64 reference on ${c.label}`,
    exercises: ['biasGrad'],
    async run({ backend, random, record, options }) {
      const dy = signed(random, c.rows * c.channels);
      const expected = reference.biasGrad(dy, c.rows, c.channels);
      const allowed = reductionAllowance(expected, reference.biasGrad(reference.abs(dy), c.rows, c.channels), c.rows, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const db = scope.keep(backend.biasGrad(scope.upload(dy, 'dy'), c.rows, c.channels));
        record.close('biasGrad', await scope.read(db), expected, allowed);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const biasGradChecks: readonly ConformanceCheck[] = BIAS_GRAD_CASES.map(biasGradCheck);
