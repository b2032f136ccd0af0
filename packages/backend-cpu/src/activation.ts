import type { ActivationKind } from '@lenet-ts/core';

/** Activation codes as tasks and kernels carry them (the index in ACTIVATION_CODES). */
export const LINEAR = 0;
export const SIGMOID = 1;
export const RELU = 2;

const EXP_SCALE = 64 / Math.LN2;
const EXP_STEP = Math.LN2 / 64;
/** Adding then subtracting 1.5 * 2^52 rounds a double to an integer without a call. */
const ROUND = 6755399441055744.0;
/** 2^(j/64) for j in [0, 64) and 2^(i - 1100) for the exponent part. */
const EXP_FRACTIONS = Float64Array.from({ length: 64 }, (_, j) => 2 ** (j / 64));
const EXP_POWERS = Float64Array.from({ length: 2200 }, (_, i) => 2 ** (i - 1100));

/**
 * e^v to ~1e-13 relative error, about twice as fast as Math.exp in V8 (which LeNet's sigmoid layers call
 * millions of times per epoch): v = (k + j/64) ln 2 + r with |r| <= ln2/128, e^r by a degree-4 polynomial,
 * 2^(j/64) and 2^k from tables. That error is a millionth of float32's resolution: a sigmoid rounded to
 * float32 from it agreed with Math.exp's on every one of 2^17 random inputs tried.
 */
export function exp(v: number): number {
  const x = v < -745 ? -745 : v > 709 ? 709 : v;
  const kf = x * EXP_SCALE + ROUND - ROUND;
  const k = kf | 0;
  const r = x - kf * EXP_STEP;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
  // NaN fails both clamps and reaches here as NaN.
  return p * EXP_FRACTIONS[k & 63]! * EXP_POWERS[(k >> 6) + 1100]!;
}

/**
 * 1/(1+e^-x) in float64: saturates to 0 and 1 for huge |x|, never NaN for a number. Saturated inputs skip
 * the fast path: there e^-x or the quotient would be subnormal, which the CPU handles in microcode, ~50x
 * slower, and trained sigmoid nets saturate often (half of LeNet's conv1 outputs after an epoch of the
 * seed recipe). Below -104 the float32 result is 0; between -104 and -87 it is subnormal (rare, exact via
 * Math.exp); above 40 it is 1.
 */
export function sigmoid(x: number): number {
  if (x < -87) return x < -104 ? 0 : 1 / (1 + Math.exp(-x));
  return 1 / (1 + exp(x > 40 ? -40 : -x));
}

/** out[offset + i] = act(sums[i]) for i < count: float64 sums rounded once, after the activation. */
export function activateInto(sums: Float64Array, out: Float32Array, offset: number, count: number, code: number): void {
  if (code === SIGMOID) {
    for (let i = 0; i < count; i++) out[offset + i] = sigmoid(sums[i]!);
  } else if (code === RELU) {
    for (let i = 0; i < count; i++) {
      const v = sums[i]!;
      out[offset + i] = v > 0 ? v : 0;
    }
  } else {
    for (let i = 0; i < count; i++) out[offset + i] = sums[i]!;
  }
}

/** out[i] = act(x[i]) for i in [start, end). `out` may be `x`. */
export function applyActivation(x: Float32Array, out: Float32Array, start: number, end: number, kind: ActivationKind): void {
  switch (kind) {
    case 'linear':
      if (out !== x) for (let i = start; i < end; i++) out[i] = x[i]!;
      return;
    case 'relu':
      for (let i = start; i < end; i++) {
        const v = x[i]!;
        out[i] = v > 0 ? v : 0;
      }
      return;
    case 'sigmoid':
      for (let i = start; i < end; i++) out[i] = sigmoid(x[i]!);
      return;
    default:
      throw unknownActivation(kind);
  }
}

/**
 * In place on rows [rowStart, rowEnd) and columns [colStart, colEnd) of a [rows, ldc] matrix at `offset`:
 * c = act(c + bias[col]). The epilogue of GEMM and convolution, run while those rows are still in cache.
 */
export function applyBiasActivation(
  c: Float32Array,
  offset: number,
  ldc: number,
  rowStart: number,
  rowEnd: number,
  colStart: number,
  colEnd: number,
  bias: Float32Array | null,
  kind: ActivationKind,
): void {
  for (let o = offset + rowStart * ldc, end = offset + rowEnd * ldc; o < end; o += ldc) {
    if (bias === null) {
      applyActivation(c, c, o + colStart, o + colEnd, kind);
      continue;
    }
    switch (kind) {
      case 'linear':
        for (let j = colStart; j < colEnd; j++) c[o + j] = c[o + j]! + bias[j]!;
        break;
      case 'relu':
        for (let j = colStart; j < colEnd; j++) {
          const v = c[o + j]! + bias[j]!;
          c[o + j] = v > 0 ? v : 0;
        }
        break;
      case 'sigmoid':
        for (let j = colStart; j < colEnd; j++) c[o + j] = sigmoid(c[o + j]! + bias[j]!);
        break;
      default:
        throw unknownActivation(kind);
    }
  }
}

/** dx[i] from dy[i] and the activation's output y[i] for i in [start, end): sigmoid y(1-y), relu y > 0, linear 1. */
export function activationBackward(dy: Float32Array, y: Float32Array, dx: Float32Array, start: number, end: number, kind: ActivationKind): void {
  switch (kind) {
    case 'linear':
      for (let i = start; i < end; i++) dx[i] = dy[i]!;
      return;
    case 'relu':
      for (let i = start; i < end; i++) dx[i] = y[i]! > 0 ? dy[i]! : 0;
      return;
    case 'sigmoid':
      for (let i = start; i < end; i++) {
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

export function unknownActivation(kind: string): Error {
  return new Error(`cpu backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
}

/** Checked before a primitive allocates its result, so that a bad kind cannot leave a counted handle behind. */
export function assertActivationKind(kind: ActivationKind): void {
  if (kind !== 'linear' && kind !== 'sigmoid' && kind !== 'relu') throw unknownActivation(kind);
}
