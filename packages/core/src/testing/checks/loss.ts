import type { LossInfo, LossKind } from '../../backend.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { lossAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { labels, signed } from './inputs.js';

/** Keras `epsilon()`, the clip of the probability loss. */
export const KERAS_EPSILON = 1e-7;

interface LossCase {
  readonly id: string;
  readonly label: string;
  readonly kind: LossKind;
  readonly batch: number;
  readonly input: (random: SeededRandom, batch: number, classes: number, labels: Float32Array) => Float32Array;
}

/**
 * Sigmoid outputs in (0.01, 0.99), and in batches of 8+ rows the edge cases: a row of saturated 1s (all
 * tied, clipped to 1 - eps), a row of 0s (clipped to eps), a row whose label column is exactly 0 and one
 * where it ties another 1 (the first index wins the argmax), and a row with values exactly at the float32 clip
 * bounds, where TF's clip_by_value still passes the gradient (a strict comparison would drop it).
 */
function probabilityRows(random: SeededRandom, batch: number, classes: number, y: Float32Array): Float32Array {
  const p = random.floats(batch * classes, 0.01, 0.99);
  if (batch >= 8) {
    p.fill(1, 0, classes);
    p.fill(0, classes, 2 * classes);
    p[2 * classes + y[2]!] = 0;
    p[3 * classes + y[3]!] = 1;
    p[3 * classes + ((y[3]! + 1) % classes)] = 1;
    p[4 * classes + y[4]!] = Math.fround(KERAS_EPSILON);
    p[4 * classes + ((y[4]! + 1) % classes)] = Math.fround(1 - KERAS_EPSILON);
  }
  return p;
}

/** Logits within +-10, and in batches of 8+ rows: a row of ties, one with +-80 logits, one offset by 500. */
function logitRows(random: SeededRandom, batch: number, classes: number): Float32Array {
  const x = signed(random, batch * classes, 10);
  if (batch >= 8) {
    x.fill(2, 0, classes);
    for (let c = 0; c < classes; c++) x[classes + c] = c % 2 === 0 ? 80 : -80;
    for (let c = 0; c < classes; c++) x[2 * classes + c]! += 500;
  }
  return x;
}

const CASES: readonly LossCase[] = [
  {
    id: 'sparse-cce/lenet-batch',
    label: 'sparse-categorical-crossentropy on a LeNet batch of 32x10 sigmoid outputs, clipped and tied rows included',
    kind: 'sparse-categorical-crossentropy',
    batch: 32,
    input: probabilityRows,
  },
  {
    id: 'sparse-cce/partial-batch-16',
    label: 'sparse-categorical-crossentropy on the partial last batch of 16',
    kind: 'sparse-categorical-crossentropy',
    batch: 16,
    input: probabilityRows,
  },
  { id: 'sparse-cce/batch-1', label: 'sparse-categorical-crossentropy on batch 1', kind: 'sparse-categorical-crossentropy', batch: 1, input: probabilityRows },
  {
    id: 'softmax-ce/lenet-batch',
    label: 'softmax-cross-entropy on 32x10 logits, tied, +-80 and offset rows included',
    kind: 'softmax-cross-entropy',
    batch: 32,
    input: logitRows,
  },
  {
    id: 'softmax-ce/partial-batch-16',
    label: 'softmax-cross-entropy on the partial last batch of 16',
    kind: 'softmax-cross-entropy',
    batch: 16,
    input: logitRows,
  },
  { id: 'softmax-ce/batch-1', label: 'softmax-cross-entropy on batch 1', kind: 'softmax-cross-entropy', batch: 1, input: logitRows },
];

function check(c: LossCase): ConformanceCheck {
  return {
    id: `loss/${c.id}`,
    group: 'primitives',
    title: `loss returns the batch-mean loss, its gradient and the correct count like the float64 reference for ${c.label}`,
    exercises: ['loss'],
    async run({ backend, random, record, options }) {
      const info: LossInfo = { kind: c.kind, batch: c.batch, classes: 10, epsilon: KERAS_EPSILON };
      const y = labels(random, c.batch, info.classes);
      const input = c.input(random, c.batch, info.classes, y);
      const expected = reference.loss(input, y, info);
      const allowed = lossAllowance(input, y, info, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const result = backend.loss(scope.upload(input, 'input'), scope.upload(y, 'labels'), info);
        scope.keep(result.loss);
        scope.keep(result.correct);
        scope.keep(result.gradient);
        record.close(`${c.kind} loss`, await scope.read(result.loss), [expected.loss], allowed.loss);
        record.exact(`${c.kind} correct count (first index wins ties)`, await scope.read(result.correct), [expected.correct]);
        record.close(`${c.kind} gradient`, await scope.read(result.gradient), expected.gradient, allowed.gradient, [c.batch, info.classes]);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const lossChecks: readonly ConformanceCheck[] = CASES.map(check);
