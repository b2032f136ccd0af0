import type { ActivationKind, AdaptiveInfo, LossInfo, SgdInfo } from '../backend.js';
import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from '../geometry.js';

/**
 * Float64 reference implementations of every Backend primitive: plain loops written for clarity, not
 * speed. The conformance suite compares backends against these, and checks the gradients among them
 * against finite differences of the forward ones.
 */

export type Numbers = ArrayLike<number>;

export function activation(x: Numbers, kind: ActivationKind): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = activate(x[i]!, kind);
  return y;
}

function activate(v: number, kind: ActivationKind): number {
  switch (kind) {
    case 'linear':
      return v;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'relu':
      return v > 0 ? v : 0;
  }
}

/** dL/dx from dL/dy and the activation's output y. */
export function activationBackward(dy: Numbers, y: Numbers, kind: ActivationKind): Float64Array {
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) {
    if (kind === 'linear') dx[i] = dy[i]!;
    else if (kind === 'sigmoid') dx[i] = dy[i]! * y[i]! * (1 - y[i]!);
    else dx[i] = y[i]! > 0 ? dy[i]! : 0;
  }
  return dx;
}

export function conv2d(x: Numbers, filter: Numbers, bias: Numbers | null, info: Conv2DInfo, kind: ActivationKind): Float64Array {
  const y = new Float64Array(info.batch * info.outHeight * info.outWidth * info.outChannels);
  if (bias) for (let i = 0; i < y.length; i++) y[i] = bias[i % info.outChannels]!;
  forEachConvTerm(info, (xi, fi, yi) => {
    y[yi]! += x[xi]! * filter[fi]!;
  });
  for (let i = 0; i < y.length; i++) y[i] = activate(y[i]!, kind);
  return y;
}

/** Calls `visit(xIndex, filterIndex, yIndex)` for every product conv2d sums: the one place its index map lives. */
function forEachConvTerm(info: Conv2DInfo, visit: (xIndex: number, filterIndex: number, yIndex: number) => void): void {
  const { batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * info.strideHeight - info.padTop + kh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * info.strideWidth - info.padLeft + kw;
            if (iw < 0 || iw >= inWidth) continue;
            for (let c = 0; c < inChannels; c++) {
              const xIndex = ((n * inHeight + ih) * inWidth + iw) * inChannels + c;
              for (let f = 0; f < outChannels; f++) {
                visit(xIndex, ((kh * filterWidth + kw) * inChannels + c) * outChannels + f, ((n * outHeight + oh) * outWidth + ow) * outChannels + f);
              }
            }
          }
        }
      }
    }
  }
}

export function conv2dBackwardInput(dy: Numbers, filter: Numbers, info: Conv2DInfo): Float64Array {
  const dx = new Float64Array(info.batch * info.inHeight * info.inWidth * info.inChannels);
  forEachConvTerm(info, (xi, fi, yi) => {
    dx[xi]! += dy[yi]! * filter[fi]!;
  });
  return dx;
}

export function conv2dBackwardFilter(x: Numbers, dy: Numbers, info: Conv2DInfo): Float64Array {
  const dFilter = new Float64Array(info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  forEachConvTerm(info, (xi, fi, yi) => {
    dFilter[fi]! += x[xi]! * dy[yi]!;
  });
  return dFilter;
}

/** Max over each window (padding never wins), and the flat NHWC input index of the first maximum in row-major window order. */
export function maxPool(x: Numbers, info: Pool2DInfo): { y: Float64Array; argmax: Float64Array } {
  const { batch, inHeight, inWidth, channels, outHeight, outWidth } = info;
  const size = batch * outHeight * outWidth * channels;
  const y = new Float64Array(size);
  const argmax = new Float64Array(size);
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let ph = 0; ph < info.poolHeight; ph++) {
            const ih = oh * info.strideHeight - info.padTop + ph;
            if (ih < 0 || ih >= inHeight) continue;
            for (let pw = 0; pw < info.poolWidth; pw++) {
              const iw = ow * info.strideWidth - info.padLeft + pw;
              if (iw < 0 || iw >= inWidth) continue;
              const index = ((n * inHeight + ih) * inWidth + iw) * channels + c;
              if (x[index]! > best) {
                best = x[index]!;
                bestIndex = index;
              }
            }
          }
          const o = ((n * outHeight + oh) * outWidth + ow) * channels + c;
          y[o] = best;
          argmax[o] = bestIndex;
        }
      }
    }
  }
  return { y, argmax };
}

/** Adds each dy to the input position its window's argmax names (overlapping windows accumulate). */
export function maxPoolBackward(dy: Numbers, argmax: Numbers, info: Pool2DInfo): Float64Array {
  const dx = new Float64Array(info.batch * info.inHeight * info.inWidth * info.channels);
  for (let o = 0; o < dy.length; o++) dx[argmax[o]!]! += dy[o]!;
  return dx;
}

export function matMul(a: Numbers, b: Numbers, bias: Numbers | null, info: MatMulInfo, kind: ActivationKind): Float64Array {
  const { m, k, n, transposeA, transposeB } = info;
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[j]! : 0;
      for (let p = 0; p < k; p++) {
        sum += (transposeA ? a[p * m + i]! : a[i * k + p]!) * (transposeB ? b[j * k + p]! : b[p * n + j]!);
      }
      y[i * n + j] = activate(sum, kind);
    }
  }
  return y;
}

export function softmax(x: Numbers, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += y[r * cols + c] = Math.exp(x[r * cols + c]! - max);
    for (let c = 0; c < cols; c++) y[r * cols + c]! /= sum;
  }
  return y;
}

export function biasGrad(dy: Numbers, rows: number, channels: number): Float64Array {
  const db = new Float64Array(channels);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) db[c]! += dy[r * channels + c]!;
  return db;
}

export interface ReferenceLoss {
  readonly loss: number;
  readonly correct: number;
  readonly gradient: Float64Array;
}

/** Index of the first largest element of row `r`. */
export function argmaxRow(x: Numbers, r: number, cols: number): number {
  let best = 0;
  for (let c = 1; c < cols; c++) if (x[r * cols + c]! > x[r * cols + best]!) best = c;
  return best;
}

/** The fused losses of LossInfo, averaged over the batch, with the gradient of that mean. */
export function loss(input: Numbers, labels: Numbers, info: LossInfo): ReferenceLoss {
  const { batch, classes } = info;
  const gradient = new Float64Array(batch * classes);
  let total = 0;
  let correct = 0;
  for (let r = 0; r < batch; r++) {
    const label = labels[r]!;
    if (argmaxRow(input, r, classes) === label) correct++;
    const row = r * classes;
    if (info.kind === 'sparse-categorical-crossentropy') {
      // TF 2.0: log of the clipped probabilities fed to softmax cross-entropy; clip's gradient passes inside [lo, hi].
      const lo = info.epsilon;
      const hi = 1 - info.epsilon;
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.min(Math.max(input[row + c]!, lo), hi);
      const target = Math.min(Math.max(input[row + label]!, lo), hi);
      total += Math.log(sum) - Math.log(target);
      for (let c = 0; c < classes; c++) {
        const p = input[row + c]!;
        const inside = p >= lo && p <= hi;
        gradient[row + c] = inside ? (1 / sum - (c === label ? 1 / target : 0)) / batch : 0;
      }
    } else {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, input[row + c]!);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(input[row + c]! - max);
      total += max + Math.log(sum) - input[row + label]!;
      for (let c = 0; c < classes; c++) {
        gradient[row + c] = (Math.exp(input[row + c]! - max) / sum - (c === label ? 1 : 0)) / batch;
      }
    }
  }
  return { loss: total / batch, correct, gradient };
}

/**
 * Keras (TF 2.0) SGD: v = momentum * v - lr * g; then p += v, or with Nesterov p += momentum * v - lr * g.
 * Plain SGD (momentum 0, no velocity) is p -= lr * g.
 */
export function sgdUpdate(param: Numbers, grad: Numbers, velocity: Numbers | null, info: SgdInfo): { param: Float64Array; velocity: Float64Array | null } {
  const { size, learningRate, momentum, nesterov } = info;
  const next = new Float64Array(size);
  if (velocity === null) {
    for (let i = 0; i < size; i++) next[i] = param[i]! - learningRate * grad[i]!;
    return { param: next, velocity: null };
  }
  const nextVelocity = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    nextVelocity[i] = momentum * velocity[i]! - learningRate * grad[i]!;
    next[i] = nesterov ? param[i]! + momentum * nextVelocity[i]! - learningRate * grad[i]! : param[i]! + nextVelocity[i]!;
  }
  return { param: next, velocity: nextVelocity };
}

/**
 * Keras Adam / RMSprop in float64 (see AdaptiveInfo): Adam m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr m / (sqrt(v) + eps) with lr already bias-corrected; RMSprop the same v with p -= lr g / (sqrt(v) + eps).
 */
export function adaptiveUpdate(
  param: Numbers,
  grad: Numbers,
  m: Numbers | null,
  v: Numbers,
  info: AdaptiveInfo,
): { param: Float64Array; m: Float64Array | null; v: Float64Array } {
  const { size, learningRate, beta1, beta2, epsilon } = info;
  const next = new Float64Array(size);
  const nextM = m === null ? null : new Float64Array(size);
  const nextV = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const g = grad[i]!;
    const secondMoment = beta2 * v[i]! + (1 - beta2) * g * g;
    nextV[i] = secondMoment;
    const direction = nextM !== null && m !== null ? (nextM[i] = beta1 * m[i]! + (1 - beta1) * g) : g;
    next[i] = param[i]! - (learningRate * direction) / (Math.sqrt(secondMoment) + epsilon);
  }
  return { param: next, m: nextM, v: nextV };
}

export function abs(x: Numbers): Float64Array {
  return Float64Array.from(x, Math.abs);
}

/** sum(a * b): the scalar objectives the finite-difference checks differentiate. */
export function dot(a: Numbers, b: Numbers): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
