import type { ActivationKind } from '@lenet-ts/core';
import { ACTIVATION_CODES, quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

/** Copies a host array onto the device (the GL upload; a texture comes out). */
function copy(this: KernelThis, x: Float32Array): number {
  return x[this.thread.x]!;
}

function activation(this: KernelThis<'ACT'>, x: Float32Array): number {
  const v = x[this.thread.x]!;
  if (this.constants.ACT === 1) {
    return 1 / (1 + Math.exp(-v));
  }
  if (this.constants.ACT === 2) {
    return Math.max(v, 0);
  }
  return v;
}

/** dx from dy and the activation's output y: sigmoid y(1-y), relu [y > 0], linear 1. */
function activationBackward(this: KernelThis<'ACT'>, dy: Float32Array, y: Float32Array): number {
  const g = dy[this.thread.x]!;
  const v = y[this.thread.x]!;
  if (this.constants.ACT === 1) {
    return g * v * (1 - v);
  }
  if (this.constants.ACT === 2) {
    if (v > 0) {
      return g;
    }
    return 0;
  }
  return g;
}

/** Row-wise softmax, shifted by the row maximum; every thread recomputes its row's max and sum (rows are short). */
function softmax(this: KernelThis<'COLS'>, x: Float32Array): number {
  const t = this.thread.x;
  const rowStart = quotient(t, this.constants.COLS) * this.constants.COLS;
  let max = x[rowStart]!;
  for (let j = 1; j < this.constants.COLS; j++) {
    max = Math.max(max, x[rowStart + j]!);
  }
  let sum = 0;
  for (let j = 0; j < this.constants.COLS; j++) {
    sum += Math.exp(x[rowStart + j]! - max);
  }
  return Math.exp(x[t]! - max) / sum;
}

export function copySpec(size: number): KernelSpec<never> {
  return { name: 'copy', body: copy, constants: {}, size, inputs: ['x'], scalars: [] };
}

export function activationSpec(size: number, kind: ActivationKind): KernelSpec<'ACT'> {
  return { name: 'activation', body: activation, constants: { ACT: ACTIVATION_CODES[kind] }, size, inputs: ['x'], scalars: [] };
}

export function activationBackwardSpec(size: number, kind: ActivationKind): KernelSpec<'ACT'> {
  return {
    name: 'activationBackward',
    body: activationBackward,
    constants: { ACT: ACTIVATION_CODES[kind] },
    size,
    inputs: ['dy', 'y'],
    scalars: [],
  };
}

export function softmaxSpec(rows: number, cols: number): KernelSpec<'COLS'> {
  return { name: 'softmax', body: softmax, constants: { COLS: cols }, size: rows * cols, inputs: ['x'], scalars: [] };
}
