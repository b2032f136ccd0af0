import type { ActivationKind } from '../../backend.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { activationAllowance, elementwiseAllowance, reductionAllowance, softmaxAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

const KINDS: readonly ActivationKind[] = ['linear', 'sigmoid', 'relu'];

/** Pre-activations across the interesting ranges: ordinary, saturating (+-40, +-100), exact zeros. */
function preActivations(random: SeededRandom, size: number): Float32Array {
  const specials = [0, -0, 1, -1, 40, -40, 100, -100, 1e-30, -1e-30];
  const x = signed(random, size, 8);
  specials.forEach((v, i) => (x[i] = v));
  return x;
}

function activationCheck(kind: ActivationKind): ConformanceCheck {
  return {
    id: `activation/${kind}`,
    group: 'primitives',
    title: `activation ${kind} matches the float64 reference on 1001 values, saturated ones included`,
    exercises: ['activation'],
    async run({ backend, random, record, options }) {
      const x = preActivations(random, 1001);
      const y = reference.activation(x, kind);
      const allowed = activationAllowance(new Float64Array(x.length), x, y, kind, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const out = scope.keep(backend.activation(scope.upload(x, 'x'), x.length, kind));
        record.close(`activation ${kind}`, await scope.read(out), y, allowed);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

function activationBackwardCheck(kind: ActivationKind): ConformanceCheck {
  return {
    id: `activationBackward/${kind}`,
    group: 'primitives',
    title: `activationBackward ${kind} matches the float64 reference given the activation's float32 output`,
    exercises: ['activationBackward'],
    async run({ backend, random, record, options }) {
      const y = Float32Array.from(reference.activation(preActivations(random, 1001), kind));
      const dy = signed(random, y.length);
      const expected = reference.activationBackward(dy, y, kind);
      const allowed = elementwiseAllowance(reference.abs(expected), options.toleranceScale);
      await withScope(backend, async (scope) => {
        const dx = scope.keep(backend.activationBackward(scope.upload(dy, 'dy'), scope.upload(y, 'y'), y.length, kind));
        record.close(`activationBackward ${kind}`, await scope.read(dx), expected, allowed);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

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
      const allowed = reductionAllowance(reference.biasGrad(reference.abs(dy), c.rows, c.channels), c.rows, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const db = scope.keep(backend.biasGrad(scope.upload(dy, 'dy'), c.rows, c.channels));
        record.close('biasGrad', await scope.read(db), expected, allowed);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const elementwiseChecks: readonly ConformanceCheck[] = [
  ...KINDS.map(activationCheck),
  ...KINDS.map(activationBackwardCheck),
  ...SOFTMAX_CASES.map(softmaxCheck),
  ...BIAS_GRAD_CASES.map(biasGradCheck),
];
