import type { ActivationKind } from '../../backend.js';
import { matMulInfo } from '../../geometry.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { activationAllowance, reductionAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { glorot, probabilities, signed } from './inputs.js';

interface MatMulCase {
  readonly id: string;
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias: boolean;
  readonly activation: ActivationKind;
  readonly a: (random: SeededRandom, size: number) => Float32Array;
  readonly b: (random: SeededRandom, size: number, k: number, n: number) => Float32Array;
}

const anySigned = (random: SeededRandom, size: number) => signed(random, size, 2);
const dense = (random: SeededRandom, size: number, k: number, n: number) => glorot(random, size, k, n);

const CASES: readonly MatMulCase[] = [
  {
    id: 'odd-nn',
    label: 'odd sizes 7x13 @ 13x5',
    m: 7,
    k: 13,
    n: 5,
    transposeA: false,
    transposeB: false,
    bias: true,
    activation: 'sigmoid',
    a: anySigned,
    b: anySigned,
  },
  {
    id: 'odd-tn',
    label: 'odd sizes with a stored transposed (13x7)^T @ 13x5',
    m: 7,
    k: 13,
    n: 5,
    transposeA: true,
    transposeB: false,
    bias: true,
    activation: 'relu',
    a: anySigned,
    b: anySigned,
  },
  {
    id: 'odd-nt',
    label: 'odd sizes with b stored transposed 7x13 @ (5x13)^T',
    m: 7,
    k: 13,
    n: 5,
    transposeA: false,
    transposeB: true,
    bias: false,
    activation: 'linear',
    a: anySigned,
    b: anySigned,
  },
  {
    id: 'odd-tt',
    label: 'odd sizes with both stored transposed (13x7)^T @ (5x13)^T',
    m: 7,
    k: 13,
    n: 5,
    transposeA: true,
    transposeB: true,
    bias: true,
    activation: 'linear',
    a: anySigned,
    b: anySigned,
  },
  {
    id: 'scalar',
    label: 'a 1x1 @ 1x1 product',
    m: 1,
    k: 1,
    n: 1,
    transposeA: false,
    transposeB: false,
    bias: true,
    activation: 'sigmoid',
    a: anySigned,
    b: anySigned,
  },
  {
    id: 'lenet-dense1',
    label: 'LeNet dense1 forward (32x256 @ 256x120)',
    m: 32,
    k: 256,
    n: 120,
    transposeA: false,
    transposeB: false,
    bias: true,
    activation: 'sigmoid',
    a: probabilities,
    b: dense,
  },
  {
    id: 'lenet-dense1-partial-batch',
    label: 'LeNet dense1 forward on the partial last batch of 16 (16x256 @ 256x120)',
    m: 16,
    k: 256,
    n: 120,
    transposeA: false,
    transposeB: false,
    bias: true,
    activation: 'sigmoid',
    a: probabilities,
    b: dense,
  },
  {
    id: 'lenet-dense3-batch-1',
    label: 'LeNet dense3 forward on batch 1 (1x84 @ 84x10)',
    m: 1,
    k: 84,
    n: 10,
    transposeA: false,
    transposeB: false,
    bias: true,
    activation: 'sigmoid',
    a: probabilities,
    b: dense,
  },
  {
    id: 'lenet-dense1-weight-gradient',
    label: "LeNet dense1's weight gradient x^T @ dy ((32x256)^T @ 32x120)",
    m: 256,
    k: 32,
    n: 120,
    transposeA: true,
    transposeB: false,
    bias: false,
    activation: 'linear',
    a: probabilities,
    b: (r, size) => signed(r, size, 0.01),
  },
  {
    id: 'lenet-dense1-input-gradient',
    label: "LeNet dense1's input gradient dy @ W^T (32x120 @ (256x120)^T)",
    m: 32,
    k: 120,
    n: 256,
    transposeA: false,
    transposeB: true,
    bias: false,
    activation: 'linear',
    a: (r, size) => signed(r, size, 0.01),
    b: dense,
  },
];

function check(c: MatMulCase): ConformanceCheck {
  return {
    id: `matMul/${c.id}`,
    group: 'primitives',
    title: `matMul ${c.bias ? 'with' : 'without'} bias and ${c.activation} activation matches the float64 reference on ${c.label}`,
    exercises: ['matMul'],
    async run({ backend, random, record, options }) {
      const info = matMulInfo(c.m, c.k, c.n, c.transposeA, c.transposeB);
      const a = c.a(random, c.m * c.k);
      const b = c.b(random, c.k * c.n, c.k, c.n);
      const bias = c.bias ? signed(random, c.n, 0.1) : null;
      const z = reference.matMul(a, b, bias, info, 'linear');
      const y = reference.activation(z, c.activation);
      const absSum = reference.matMul(reference.abs(a), reference.abs(b), bias && reference.abs(bias), info, 'linear');
      const allowed = activationAllowance(reductionAllowance(z, absSum, c.k + 1, options.toleranceScale), z, y, c.activation, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const out = scope.keep(backend.matMul(scope.upload(a, 'a'), scope.upload(b, 'b'), bias && scope.upload(bias, 'bias'), info, c.activation));
        record.close('matMul output', await scope.read(out), y, allowed, [c.m, c.n]);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const matMulChecks: readonly ConformanceCheck[] = CASES.map(check);
