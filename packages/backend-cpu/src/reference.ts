/**
 * Naive float64 loops straight from the definitions, for the tests only (not exported by the package):
 * slow and obviously right, the yardstick the blocked float32 kernels are measured against.
 */
import type { Conv2DInfo } from '@lenet-ts/core';

/** Deterministic values in [-1, 1) so that a failing case can be rerun. */
export function seededValues(size: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** op(a)[i, kk] with a stored [m, k], or [k, m] when transposed. */
function at(a: Float32Array, rows: number, depth: number, transposed: boolean, i: number, kk: number): number {
  return transposed ? a[kk * rows + i]! : a[i * depth + kk]!;
}

export function referenceMatMul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  transposeB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let kk = 0; kk < k; kk++) sum += at(a, m, k, transposeA, i, kk) * (transposeB ? b[j * k + kk]! : b[kk * n + j]!);
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** Calls visit(xIndex, filterIndex, yIndex) for every product term of the convolution. */
function forEachConvTerm(info: Conv2DInfo, visit: (xi: number, fi: number, yi: number) => void): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, outChannels: F, filterHeight, filterWidth } = info;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let f = 0; f < F; f++) {
          const yi = ((n * outHeight + oh) * outWidth + ow) * F + f;
          for (let kh = 0; kh < filterHeight; kh++) {
            const ih = oh * info.strideHeight - info.padTop + kh;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < filterWidth; kw++) {
              const iw = ow * info.strideWidth - info.padLeft + kw;
              if (iw < 0 || iw >= W) continue;
              for (let c = 0; c < C; c++) {
                visit(((n * H + ih) * W + iw) * C + c, ((kh * filterWidth + kw) * C + c) * F + f, yi);
              }
            }
          }
        }
      }
    }
  }
}

export function referenceConv2d(x: Float32Array, filter: Float32Array, info: Conv2DInfo): Float64Array {
  const y = new Float64Array(info.batch * info.outHeight * info.outWidth * info.outChannels);
  forEachConvTerm(info, (xi, fi, yi) => {
    y[yi] = y[yi]! + x[xi]! * filter[fi]!;
  });
  return y;
}

export function referenceConv2dBackwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float64Array {
  const dx = new Float64Array(info.batch * info.inHeight * info.inWidth * info.inChannels);
  forEachConvTerm(info, (xi, fi, yi) => {
    dx[xi] = dx[xi]! + dy[yi]! * filter[fi]!;
  });
  return dx;
}

export function referenceConv2dBackwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float64Array {
  const df = new Float64Array(info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  forEachConvTerm(info, (xi, fi, yi) => {
    df[fi] = df[fi]! + x[xi]! * dy[yi]!;
  });
  return df;
}

/** Largest |actual - expected| / (atol + |expected|) over all elements; below 1 means within tolerance. */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = Math.abs(actual[i]! - expected[i]!) / (atol + rtol * Math.abs(expected[i]!));
    if (Number.isNaN(e)) return Infinity;
    if (e > worst) worst = e;
  }
  return worst;
}
