import type { LossInfo } from '@lenet-ts/core';
import { quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

/** Loss switch baked into the kernels. */
const LOSS_CODES = { 'sparse-categorical-crossentropy': 0, 'softmax-cross-entropy': 1 } as const;

/**
 * d(mean loss)/d(input) for one element. Probability loss (TF 2.0 Keras): q = clip(p, LO, HI),
 * loss = -log(q_y / sum q); the clip passes the gradient only where LO <= p <= HI. Softmax loss:
 * (softmax - onehot) / batch, shifted by the row maximum.
 */
type LossConstant = 'CLASSES' | 'BATCH' | 'KIND' | 'LO' | 'HI';

function lossGradient(this: KernelThis<LossConstant>, input: Float32Array, labels: Float32Array): number {
  const t = this.thread.x;
  const row = quotient(t, this.constants.CLASSES);
  const j = t - row * this.constants.CLASSES;
  const start = row * this.constants.CLASSES;
  const label = labels[row]!;
  const v = input[t]!;
  if (this.constants.KIND === 0) {
    let sum = 0;
    for (let k = 0; k < this.constants.CLASSES; k++) {
      sum += Math.min(Math.max(input[start + k]!, this.constants.LO), this.constants.HI);
    }
    const qy = Math.min(Math.max(input[start + label]!, this.constants.LO), this.constants.HI);
    const common = 1 / sum / this.constants.BATCH;
    let dq = common;
    if (j === label) {
      dq = common - 1 / qy / this.constants.BATCH;
    }
    if (v >= this.constants.LO && v <= this.constants.HI) {
      return dq;
    }
    return 0;
  }
  let max = input[start]!;
  for (let k = 1; k < this.constants.CLASSES; k++) {
    max = Math.max(max, input[start + k]!);
  }
  let sum = 0;
  for (let k = 0; k < this.constants.CLASSES; k++) {
    sum += Math.exp(input[start + k]! - max);
  }
  let g = Math.exp(v - max) / sum;
  if (j === label) {
    g = g - 1;
  }
  return g / this.constants.BATCH;
}

/**
 * One row's loss. A label that is not a class id gives an infinite loss, so a bad label shows up as a
 * non-finite loss instead of a silently wrong one (kernels cannot throw). The infinity is a division by a
 * zero computed at run time: GL compilers fold overflowing constants such as exp(1000) to the largest float.
 */
function rowLoss(this: KernelThis<LossConstant>, input: Float32Array, labels: Float32Array): number {
  const row = this.thread.x;
  const start = row * this.constants.CLASSES;
  const label = labels[row]!;
  if (label < 0 || label >= this.constants.CLASSES || Math.floor(label) !== label) {
    return 1 / (label - label);
  }
  if (this.constants.KIND === 0) {
    let sum = 0;
    for (let k = 0; k < this.constants.CLASSES; k++) {
      sum += Math.min(Math.max(input[start + k]!, this.constants.LO), this.constants.HI);
    }
    const qy = Math.min(Math.max(input[start + label]!, this.constants.LO), this.constants.HI);
    return -Math.log(qy / sum);
  }
  let max = input[start]!;
  for (let k = 1; k < this.constants.CLASSES; k++) {
    max = Math.max(max, input[start + k]!);
  }
  let sum = 0;
  for (let k = 0; k < this.constants.CLASSES; k++) {
    sum += Math.exp(input[start + k]! - max);
  }
  return max + Math.log(sum) - input[start + label]!;
}

/** 1 where the row's argmax (first index wins ties) is its label, else 0. */
function rowCorrect(this: KernelThis<'CLASSES'>, input: Float32Array, labels: Float32Array): number {
  const row = this.thread.x;
  const start = row * this.constants.CLASSES;
  let best = 0;
  let bestValue = input[start]!;
  for (let k = 1; k < this.constants.CLASSES; k++) {
    const v = input[start + k]!;
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  if (best === labels[row]) {
    return 1;
  }
  return 0;
}

/** sum(rows) / DIVISOR in one thread: the batch mean of the row losses, or the correct count (DIVISOR 1). */
function total(this: KernelThis<'ROWS' | 'DIVISOR'>, rows: Float32Array): number {
  let sum = 0;
  for (let r = 0; r < this.constants.ROWS; r++) {
    sum += rows[r]!;
  }
  return sum / this.constants.DIVISOR;
}

function lossConstants(info: LossInfo): Record<LossConstant, number> {
  const lo = Math.fround(info.epsilon);
  return {
    CLASSES: info.classes,
    BATCH: info.batch,
    KIND: LOSS_CODES[info.kind],
    // Clip bounds in float32, as TF computes them.
    LO: lo,
    HI: Math.fround(1 - lo),
  };
}

export function lossGradientSpec(info: LossInfo): KernelSpec<LossConstant> {
  return {
    name: 'lossGradient',
    body: lossGradient,
    constants: lossConstants(info),
    size: info.batch * info.classes,
    inputs: ['input', 'labels'],
    scalars: [],
  };
}

export function rowLossSpec(info: LossInfo): KernelSpec<LossConstant> {
  return { name: 'rowLoss', body: rowLoss, constants: lossConstants(info), size: info.batch, inputs: ['input', 'labels'], scalars: [] };
}

export function rowCorrectSpec(info: LossInfo): KernelSpec<'CLASSES'> {
  return { name: 'rowCorrect', body: rowCorrect, constants: { CLASSES: info.classes }, size: info.batch, inputs: ['input', 'labels'], scalars: [] };
}

export function totalSpec(rows: number, divisor: number): KernelSpec<'ROWS' | 'DIVISOR'> {
  return { name: 'total', body: total, constants: { ROWS: rows, DIVISOR: divisor }, size: 1, inputs: ['rows'], scalars: [] };
}

export function isLossKind(kind: string): kind is keyof typeof LOSS_CODES {
  return Object.hasOwn(LOSS_CODES, kind);
}
