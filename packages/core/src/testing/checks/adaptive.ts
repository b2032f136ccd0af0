import { adamStepSize } from '../../adam.js';
import type { AdaptiveInfo, AdaptiveKind, Backend } from '../../backend.js';
import { withScope, type HandleScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { adaptiveAllowance } from '../tolerance.js';
import type { CheckRecorder, ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

interface AdaptiveCase {
  readonly id: string;
  readonly label: string;
  readonly kind: AdaptiveKind;
  readonly size: number;
  /** Updates chained on the backend's own handles, from zero moments as an optimizer starts. */
  readonly steps: number;
  readonly learningRate: number;
  /** Scale of the random gradients: at 1e-7, sqrt(v) is about epsilon, so where epsilon goes shows. */
  readonly gradScale: number;
  /** Start from random moments (a resumed run) instead of zeros. */
  readonly resumedAt?: number;
}

const KERAS = { beta1: 0.9, beta2: 0.999, rho: 0.9, epsilon: 1e-7 };

const CASES: readonly AdaptiveCase[] = [
  {
    id: 'adam-keras-defaults',
    label: 'Adam with Keras defaults (lr 0.001) for steps t = 1..10 from zero moments, 1001 values',
    kind: 'adam',
    size: 1001,
    steps: 10,
    learningRate: 0.001,
    gradScale: 0.05,
  },
  {
    id: 'adam-lenet-dense1',
    label: "Adam lr 0.001 for t = 1, 2 on LeNet dense1's 30720 weights",
    kind: 'adam',
    size: 256 * 120,
    steps: 2,
    learningRate: 0.001,
    gradScale: 0.05,
  },
  {
    id: 'adam-epsilon-scale',
    label: 'Adam lr 0.1 for t = 1..3 on gradients near 1e-7, where Keras adds epsilon to sqrt(v) outside the bias correction',
    kind: 'adam',
    size: 1001,
    steps: 3,
    learningRate: 0.1,
    gradScale: 1e-7,
  },
  {
    id: 'adam-resumed',
    label: 'Adam lr 0.01 at t = 100..101 from random moments (a resumed run)',
    kind: 'adam',
    size: 1001,
    steps: 2,
    learningRate: 0.01,
    gradScale: 0.05,
    resumedAt: 100,
  },
  {
    id: 'rmsprop-keras-defaults',
    label: 'RMSprop with Keras defaults (lr 0.001, rho 0.9) for 10 steps from zero, 1001 values',
    kind: 'rmsprop',
    size: 1001,
    steps: 10,
    learningRate: 0.001,
    gradScale: 0.05,
  },
  {
    id: 'rmsprop-lenet-dense1',
    label: "RMSprop lr 0.001 for 2 steps on LeNet dense1's 30720 weights",
    kind: 'rmsprop',
    size: 256 * 120,
    steps: 2,
    learningRate: 0.001,
    gradScale: 0.05,
  },
  {
    id: 'rmsprop-epsilon-scale',
    label: 'RMSprop lr 0.1 for 3 steps on gradients near 1e-7, where epsilon outside the root shows',
    kind: 'rmsprop',
    size: 1001,
    steps: 3,
    learningRate: 0.1,
    gradScale: 1e-7,
  },
];

/** The info core's Adam or RMSprop passes for update number `step` (1-based). */
function infoAt(c: AdaptiveCase, step: number): AdaptiveInfo {
  return c.kind === 'adam'
    ? {
        kind: 'adam',
        size: c.size,
        learningRate: adamStepSize(c.learningRate, KERAS.beta1, KERAS.beta2, step),
        beta1: KERAS.beta1,
        beta2: KERAS.beta2,
        epsilon: KERAS.epsilon,
      }
    : { kind: 'rmsprop', size: c.size, learningRate: c.learningRate, beta1: 0, beta2: KERAS.rho, epsilon: KERAS.epsilon };
}

/** Second moments as a run leaves them: about the square of the gradients' scale. */
function secondMoments(random: SeededRandom, size: number, gradScale: number): Float32Array {
  return random.floats(size, 0, gradScale * gradScale);
}

/**
 * Each step is compared with the float64 reference applied to the backend's own previous state (read back), so
 * the tolerance stays that of one update while the handles it returned, possibly the inputs updated in place,
 * feed the next call as an optimizer chains them.
 */
async function runSteps(backend: Backend, c: AdaptiveCase, random: SeededRandom, record: CheckRecorder, scale: number, scope: HandleScope): Promise<void> {
  let param = scope.uploadMutable(signed(random, c.size, 0.2));
  const resumed = c.resumedAt !== undefined;
  let m = c.kind === 'adam' ? scope.uploadMutable(resumed ? signed(random, c.size, c.gradScale) : new Float32Array(c.size)) : null;
  let v = scope.uploadMutable(resumed ? secondMoments(random, c.size, c.gradScale) : new Float32Array(c.size));
  for (let s = 0; s < c.steps; s++) {
    const step = (c.resumedAt ?? 0) + s + 1;
    const info = infoAt(c, step);
    const before = await scope.read(param);
    const mBefore = m === null ? null : await scope.read(m);
    const vBefore = await scope.read(v);
    const grad = signed(random, c.size, c.gradScale);
    const expected = reference.adaptiveUpdate(before, grad, mBefore, vBefore, info);
    const allowed = adaptiveAllowance(before, grad, mBefore, vBefore, expected, info, scale);
    // Parameter and moments may come back updated in place; the gradient must not change.
    const result = backend.adaptiveUpdate(param, scope.upload(grad, `grad of step ${step}`), m, v, info);
    param = scope.keep(result.param);
    v = scope.keep(result.v);
    record.close(`${c.kind} param after step t=${step}`, await scope.read(param), expected.param, allowed.param);
    record.close(`${c.kind} v after step t=${step}`, await scope.read(v), expected.v, allowed.v);
    if (c.kind === 'rmsprop') {
      record.expect(result.m === null, 'RMSprop (called with m null) must return m null');
    } else if (result.m === null) {
      record.expect(false, `Adam must return the updated first moment m, got null at t=${step}`);
      return;
    } else {
      m = scope.keep(result.m);
      record.close(`adam m after step t=${step}`, await scope.read(m), expected.m!, allowed.m!);
    }
  }
}

function check(c: AdaptiveCase): ConformanceCheck {
  return {
    id: `adaptiveUpdate/${c.id}`,
    group: 'primitives',
    title: `adaptiveUpdate matches the float64 reference for ${c.label}`,
    exercises: ['adaptiveUpdate'],
    async run({ backend, random, record, options }) {
      await withScope(backend, async (scope) => {
        await runSteps(backend, c, random, record, options.toleranceScale, scope);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const adaptiveChecks: readonly ConformanceCheck[] = CASES.map(check);
