import type { ActivationKind } from '../../backend.js';
import type { Padding } from '../../geometry.js';
import { conv2dInfo, sizeOf } from '../../geometry.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { activationAllowance, reductionAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { convFilter, pixels, probabilities, signed } from './inputs.js';

interface ConvCase {
  readonly id: string;
  /** How the case reads in the test title. */
  readonly label: string;
  readonly inShape: readonly [number, number, number, number];
  readonly filterShape: readonly [number, number, number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: ActivationKind;
  readonly bias: boolean;
  readonly input: (random: SeededRandom, size: number) => Float32Array;
}

const CASES: readonly ConvCase[] = [
  {
    id: 'lenet-conv1',
    label: 'LeNet conv1 (32x28x28x1 raw pixels 0..255, 5x5x6 filters)',
    inShape: [32, 28, 28, 1],
    filterShape: [5, 5, 1, 6],
    strides: [1, 1],
    padding: 'valid',
    activation: 'sigmoid',
    bias: true,
    input: pixels,
  },
  {
    id: 'lenet-conv2',
    label: 'LeNet conv2 (32x12x12x6, 5x5x16 filters)',
    inShape: [32, 12, 12, 6],
    filterShape: [5, 5, 6, 16],
    strides: [1, 1],
    padding: 'valid',
    activation: 'sigmoid',
    bias: true,
    input: probabilities,
  },
  {
    id: 'batch-1',
    label: 'batch 1 (1x28x28x1 raw pixels, 5x5x6 filters)',
    inShape: [1, 28, 28, 1],
    filterShape: [5, 5, 1, 6],
    strides: [1, 1],
    padding: 'valid',
    activation: 'relu',
    bias: true,
    input: pixels,
  },
  {
    id: 'partial-batch-16',
    label: 'the partial last batch of 16 (16x12x12x6, 5x5x16 filters)',
    inShape: [16, 12, 12, 6],
    filterShape: [5, 5, 6, 16],
    strides: [1, 1],
    padding: 'valid',
    activation: 'linear',
    bias: true,
    input: probabilities,
  },
  {
    id: 'stride-2-same',
    label: "stride 2 with 'same' padding on odd sizes (3x9x11x4, 3x3x5 filters)",
    inShape: [3, 9, 11, 4],
    filterShape: [3, 3, 4, 5],
    strides: [2, 2],
    padding: 'same',
    activation: 'relu',
    bias: false,
    input: (r, n) => signed(r, n),
  },
  {
    id: 'uneven-same',
    label: "strides 1x2 with 'same' padding and an even 4x2 kernel (2x7x8x3, 3 filters)",
    inShape: [2, 7, 8, 3],
    filterShape: [4, 2, 3, 3],
    strides: [1, 2],
    padding: 'same',
    activation: 'linear',
    bias: true,
    input: (r, n) => signed(r, n, 2),
  },
];

function forwardCheck(c: ConvCase): ConformanceCheck {
  return {
    id: `conv2d/${c.id}`,
    group: 'primitives',
    title: `conv2d ${c.bias ? 'with' : 'without'} bias and ${c.activation} activation matches the float64 reference on ${c.label}`,
    exercises: ['conv2d'],
    async run({ backend, random, record, options }) {
      const info = conv2dInfo(c.inShape, c.filterShape, c.strides, c.padding);
      const x = c.input(random, sizeOf(info.inShape));
      const filter = convFilter(random, info.filterShape);
      const bias = c.bias ? signed(random, info.outChannels, 0.1) : null;
      const z = reference.conv2d(x, filter, bias, info, 'linear');
      const y = reference.activation(z, c.activation);
      const absSum = reference.conv2d(reference.abs(x), reference.abs(filter), bias && reference.abs(bias), info, 'linear');
      const terms = info.filterHeight * info.filterWidth * info.inChannels + 1;
      const allowed = activationAllowance(reductionAllowance(z, absSum, terms, options.toleranceScale), z, y, c.activation, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const out = scope.keep(backend.conv2d(scope.upload(x, 'x'), scope.upload(filter, 'filter'), bias && scope.upload(bias, 'bias'), info, c.activation));
        record.close('conv2d output', await scope.read(out), y, allowed, info.outShape);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

function backwardInputCheck(c: ConvCase): ConformanceCheck {
  return {
    id: `conv2dBackwardInput/${c.id}`,
    group: 'primitives',
    title: `conv2dBackwardInput matches the float64 reference on ${c.label}`,
    exercises: ['conv2dBackwardInput'],
    async run({ backend, random, record, options }) {
      const info = conv2dInfo(c.inShape, c.filterShape, c.strides, c.padding);
      const dy = signed(random, sizeOf(info.outShape));
      const filter = convFilter(random, info.filterShape);
      const expected = reference.conv2dBackwardInput(dy, filter, info);
      const absSum = reference.conv2dBackwardInput(reference.abs(dy), reference.abs(filter), info);
      const allowed = reductionAllowance(expected, absSum, info.filterHeight * info.filterWidth * info.outChannels, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const dx = scope.keep(backend.conv2dBackwardInput(scope.upload(dy, 'dy'), scope.upload(filter, 'filter'), info));
        record.close('conv2dBackwardInput dx', await scope.read(dx), expected, allowed, info.inShape);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

function backwardFilterCheck(c: ConvCase): ConformanceCheck {
  return {
    id: `conv2dBackwardFilter/${c.id}`,
    group: 'primitives',
    title: `conv2dBackwardFilter matches the float64 reference on ${c.label}`,
    exercises: ['conv2dBackwardFilter'],
    async run({ backend, random, record, options }) {
      const info = conv2dInfo(c.inShape, c.filterShape, c.strides, c.padding);
      const x = c.input(random, sizeOf(info.inShape));
      const dy = signed(random, sizeOf(info.outShape));
      const expected = reference.conv2dBackwardFilter(x, dy, info);
      const absSum = reference.conv2dBackwardFilter(reference.abs(x), reference.abs(dy), info);
      // Each filter element sums batch * outHeight * outWidth products (18432 for conv1).
      const allowed = reductionAllowance(expected, absSum, info.batch * info.outHeight * info.outWidth, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const dFilter = scope.keep(backend.conv2dBackwardFilter(scope.upload(x, 'x'), scope.upload(dy, 'dy'), info));
        record.close('conv2dBackwardFilter dFilter', await scope.read(dFilter), expected, allowed, info.filterShape);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const conv2dChecks: readonly ConformanceCheck[] = [...CASES.map(forwardCheck), ...CASES.map(backwardInputCheck), ...CASES.map(backwardFilterCheck)];
