import type { ActivationKind } from '@lenet-ts/core';

/** 1/(1+e^-x) in float64: e^-x overflows to Infinity for very negative x, giving 0, never NaN. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** out[i] = act(x[i]) for i < size. `out` may be `x`. */
export function applyActivation(x: Float32Array, out: Float32Array, size: number, kind: ActivationKind): void {
  switch (kind) {
    case 'linear':
      if (out !== x) out.set(x.subarray(0, size));
      return;
    case 'relu':
      for (let i = 0; i < size; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : 0;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
      return;
    default:
      throw unknownActivation(kind);
  }
}

/**
 * In place on rows [rowStart, rowEnd) of a row-major [rows, cols] matrix: c = act(c + bias[col]).
 * The epilogue of GEMM and convolution, run while those rows are still in cache.
 */
export function applyBiasActivation(
  c: Float32Array,
  rowStart: number,
  rowEnd: number,
  cols: number,
  bias: Float32Array | null,
  kind: ActivationKind,
): void {
  const start = rowStart * cols;
  const end = rowEnd * cols;
  if (bias === null) {
    if (kind === 'linear') return;
    if (kind === 'relu') {
      for (let i = start; i < end; i++) if (!(c[i]! > 0)) c[i] = 0;
    } else if (kind === 'sigmoid') {
      for (let i = start; i < end; i++) c[i] = 1 / (1 + Math.exp(-c[i]!));
    } else {
      throw unknownActivation(kind);
    }
    return;
  }
  switch (kind) {
    case 'linear':
      for (let o = start; o < end; o += cols) for (let j = 0; j < cols; j++) c[o + j] = c[o + j]! + bias[j]!;
      return;
    case 'relu':
      for (let o = start; o < end; o += cols) {
        for (let j = 0; j < cols; j++) {
          const v = c[o + j]! + bias[j]!;
          c[o + j] = v > 0 ? v : 0;
        }
      }
      return;
    case 'sigmoid':
      for (let o = start; o < end; o += cols) {
        for (let j = 0; j < cols; j++) c[o + j] = 1 / (1 + Math.exp(-(c[o + j]! + bias[j]!)));
      }
      return;
    default:
      throw unknownActivation(kind);
  }
}

/** dx from dy and the activation's output y: sigmoid y(1-y), relu y > 0, linear 1. */
export function activationBackward(
  dy: Float32Array,
  y: Float32Array,
  dx: Float32Array,
  size: number,
  kind: ActivationKind,
): void {
  switch (kind) {
    case 'linear':
      dx.set(dy.subarray(0, size));
      return;
    case 'relu':
      for (let i = 0; i < size; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) {
        const v = y[i]!;
        dx[i] = dy[i]! * v * (1 - v);
      }
      return;
    default:
      throw unknownActivation(kind);
  }
}

/** Row-wise softmax of a [rows, cols] matrix, shifted by the row max so exp never overflows. */
export function softmaxRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j]! > max) max = x[o + j]!;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
    for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j]! - max) / sum;
  }
}

export function unknownActivation(kind: never | string): Error {
  return new Error(`cpu backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
}

/** Checked before a primitive allocates its result, so that a bad kind cannot leave a counted handle behind. */
export function assertActivationKind(kind: ActivationKind): void {
  if (kind !== 'linear' && kind !== 'sigmoid' && kind !== 'relu') throw unknownActivation(kind);
}
