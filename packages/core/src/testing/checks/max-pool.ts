import type { Padding } from '../../geometry.js';
import { pool2dInfo, sizeOf } from '../../geometry.js';
import { withScope } from '../handle-scope.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import { reductionAllowance } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { probabilities, signed } from './inputs.js';

interface PoolCase {
  readonly id: string;
  readonly label: string;
  readonly inShape: readonly [number, number, number, number];
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly input: (random: SeededRandom, size: number) => Float32Array;
}

/** Sigmoid-like outputs quantised to ninths, so most windows hold tied maxima (saturated 1s included). */
function tiedProbabilities(random: SeededRandom, size: number): Float32Array {
  return Float32Array.from(random.integers(size, 9), (v) => v / 8);
}

const CASES: readonly PoolCase[] = [
  {
    id: 'lenet-pool1-ties',
    label: 'LeNet pool1 (32x24x24x6, 2x2) with tied maxima',
    inShape: [32, 24, 24, 6],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'valid',
    input: tiedProbabilities,
  },
  {
    id: 'lenet-pool2',
    label: 'LeNet pool2 (32x8x8x16, 2x2)',
    inShape: [32, 8, 8, 16],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'valid',
    input: probabilities,
  },
  { id: 'batch-1', label: 'batch 1 (1x24x24x6, 2x2)', inShape: [1, 24, 24, 6], poolSize: [2, 2], strides: [2, 2], padding: 'valid', input: probabilities },
  {
    id: 'partial-batch-16',
    label: 'the partial last batch of 16 (16x8x8x16, 2x2) with tied maxima',
    inShape: [16, 8, 8, 16],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'valid',
    input: tiedProbabilities,
  },
  {
    id: 'constant',
    label: 'constant input, where every window is one big tie (2x4x6x3, 2x2)',
    inShape: [2, 4, 6, 3],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'valid',
    input: (_r, n) => new Float32Array(n).fill(0.5),
  },
  {
    id: 'odd-same-2x2',
    label: "2x2 windows, stride 2, 'same' padding on odd sizes, which ends each row and column in a partial window (2x7x9x3)",
    inShape: [2, 7, 9, 3],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'same',
    input: (r, n) => Float32Array.from(r.integers(n, 4), (v) => -1 - v),
  },
  {
    id: 'odd-valid',
    label: "odd sizes with 'valid' padding, which drops the last row and column (2x7x7x3, 2x2)",
    inShape: [2, 7, 7, 3],
    poolSize: [2, 2],
    strides: [2, 2],
    padding: 'valid',
    input: (r, n) => signed(r, n),
  },
  {
    id: 'overlap-same-negative',
    label: "overlapping 3x3 windows, stride 2, 'same' padding on negative values with ties (2x7x9x3)",
    inShape: [2, 7, 9, 3],
    poolSize: [3, 3],
    strides: [2, 2],
    padding: 'same',
    input: (r, n) => Float32Array.from(r.integers(n, 4), (v) => -1 - v),
  },
];

function forwardCheck(c: PoolCase): ConformanceCheck {
  return {
    id: `maxPool/${c.id}`,
    group: 'primitives',
    title: `maxPool returns the window maxima and the flat NHWC index of the first maximum on ${c.label}`,
    exercises: ['maxPool'],
    async run({ backend, random, record }) {
      const info = pool2dInfo(c.inShape, c.poolSize, c.strides, c.padding);
      const x = c.input(random, sizeOf(info.inShape));
      const expected = reference.maxPool(x, info);
      await withScope(backend, async (scope) => {
        const { y, argmax } = backend.maxPool(scope.upload(x, 'x'), info);
        scope.keep(y);
        scope.keep(argmax);
        record.exact('maxPool output', await scope.read(y), expected.y, info.outShape);
        record.exact('maxPool argmax (flat NHWC input index, first max wins)', await scope.read(argmax), expected.argmax, info.outShape);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

function backwardCheck(c: PoolCase): ConformanceCheck {
  return {
    id: `maxPoolBackward/${c.id}`,
    group: 'primitives',
    title: `maxPoolBackward scatters dy to the argmax positions on ${c.label}`,
    exercises: ['maxPoolBackward'],
    async run({ backend, random, record, options }) {
      const info = pool2dInfo(c.inShape, c.poolSize, c.strides, c.padding);
      const { argmax } = reference.maxPool(c.input(random, sizeOf(info.inShape)), info);
      const dy = signed(random, sizeOf(info.outShape));
      const expected = reference.maxPoolBackward(dy, argmax, info);
      // An input position collects dy from at most ceil(pool / stride) windows per axis.
      const overlap = Math.ceil(info.poolHeight / info.strideHeight) * Math.ceil(info.poolWidth / info.strideWidth);
      const allowed = reductionAllowance(expected, reference.maxPoolBackward(reference.abs(dy), argmax, info), overlap, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const dx = scope.keep(backend.maxPoolBackward(scope.upload(dy, 'dy'), scope.upload(Float32Array.from(argmax), 'argmax'), info));
        record.close('maxPoolBackward dx', await scope.read(dx), expected, allowed, info.inShape);
        for (const comparison of await scope.inputsUnchanged()) record.add(comparison);
      });
    },
  };
}

export const maxPoolChecks: readonly ConformanceCheck[] = [...CASES.map(forwardCheck), ...CASES.map(backwardCheck)];
