import type { SgdInfo } from '../../backend.js';
import { withScope } from '../handle-scope.js';
import * as reference from '../reference.js';
import { sgdAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { signed } from './inputs.js';

interface SgdCase {
  readonly id: string;
  readonly label: string;
  readonly info: SgdInfo;
}

const CASES: readonly SgdCase[] = [
  {
    id: 'plain-seed-recipe',
    label: 'plain SGD with the seed recipe lr 0.9 on 1001 values',
    info: { size: 1001, learningRate: 0.9, momentum: 0, nesterov: false },
  },
  { id: 'plain-lenet-dense1', label: "plain SGD on LeNet dense1's 30720 weights", info: { size: 256 * 120, learningRate: 0.9, momentum: 0, nesterov: false } },
  { id: 'momentum', label: 'Keras momentum 0.9, lr 0.01 (v = m v - lr g; p += v)', info: { size: 1001, learningRate: 0.01, momentum: 0.9, nesterov: false } },
  {
    id: 'nesterov',
    label: 'Keras Nesterov momentum 0.9, lr 0.05 (v = m v - lr g; p += m v - lr g)',
    info: { size: 1001, learningRate: 0.05, momentum: 0.9, nesterov: true },
  },
];

function check(c: SgdCase): ConformanceCheck {
  return {
    id: `sgdUpdate/${c.id}`,
    group: 'primitives',
    title: `sgdUpdate matches the float64 reference for ${c.label}`,
    exercises: ['sgdUpdate'],
    async run({ backend, random, record, options }) {
      const { info } = c;
      const param = signed(random, info.size, 0.2);
      const grad = signed(random, info.size, 0.05);
      const velocity = info.momentum > 0 ? signed(random, info.size, 0.01) : null;
      const expected = reference.sgdUpdate(param, grad, velocity, info);
      const allowed = sgdAllowance(param, grad, velocity, info, options.toleranceScale);
      await withScope(backend, async (scope) => {
        // Parameter and velocity may come back updated in place; the gradient must not change.
        const result = backend.sgdUpdate(scope.uploadMutable(param), scope.upload(grad, 'grad'), velocity && scope.uploadMutable(velocity), info);
        scope.keep(result.param);
        scope.keep(result.velocity);
        record.close('sgdUpdate param', await scope.read(result.param), expected.param, allowed);
        if (expected.velocity === null) {
          record.expect(result.velocity === null, 'plain SGD (momentum 0, no velocity) must return velocity null');
        } else if (result.velocity === null) {
          record.expect(false, `momentum ${info.momentum} must return the updated velocity, got null`);
        } else {
          record.close(
            'sgdUpdate velocity',
            await scope.read(result.velocity),
            expected.velocity,
            sgdAllowance(new Float64Array(info.size), grad, velocity, info, options.toleranceScale),
          );
        }
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const sgdChecks: readonly ConformanceCheck[] = CASES.map(check);
