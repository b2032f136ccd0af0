import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { softmaxAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

interface SoftmaxCase {
  readonly id: string;
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
  readonly logits: (random: SeededRandom, size: number) => Float32Array;
}

const SOFTMAX_CASES: readonly SoftmaxCase[] = [
  { id: 'lenet-output', label: 'LeNet logits (32x10)', rows: 32, cols: 10, logits: (r, n) => signed(r, n, 10) },
  {
    id: 'large-ties',
    label: 'odd 7x13 rows offset by 1000, spread +-50, one row all tied (needs the max subtracted)',
    rows: 7,
    cols: 13,
    logits: (r, n) => {
      const x = Float32Array.from(signed(r, n, 50), (v) => 1000 + v);
      x.fill(1000, 0, 13);
      return x;
    },
  },
];

function softmaxCheck(c: SoftmaxCase): ConformanceCheck {
  return {
    id: `softmax/${c.id}`,
    group: 'primitives',
    title: `softmax matches the float64 reference on ${c.label}`,
    exercises: ['softmax'],
    async run({ backend, random, record, options }) {
      const x = c.logits(random, c.rows * c.cols);
      const y = reference.softmax(x, c.rows, c.cols);
      const allowed = softmaxAllowance(x, y, c.rows, c.cols, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const out = scope.keep(backend.softmax(scope.upload(x, 'x'), c.rows, c.cols));
        record.close('softmax', await scope.read(out), y, allowed, [c.rows, c.cols]);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const softmaxChecks: readonly ConformanceCheck[] = SOFTMAX_CASES.map(softmaxCheck);
