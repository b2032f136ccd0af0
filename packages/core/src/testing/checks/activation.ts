import type { ActivationKind } from '../../backend.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { activationAllowance, elementwiseAllowance } from '../tolerance.js';
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

export const activationChecks: readonly ConformanceCheck[] = [...KINDS.map(activationCheck), ...KINDS.map(activationBackwardCheck)];
