import { ShapeError, sizeOf, type Pool2DInfo } from '@lenet-ts/core';
import type { Rank, Tensor } from '@tensorflow/tfjs-core';
import { explicitPadding, isZeroPadding } from './padding.js';
import type { Tf } from './runtime.js';

/** Largest input whose flat indices float32 holds exactly (argmax handles are float32 like all others). */
export const MAX_POOL_INPUT = 2 ** 24;

export function assertArgmaxExact(info: Pool2DInfo): void {
  const size = sizeOf(info.inShape);
  if (size > MAX_POOL_INPUT) {
    throw new ShapeError(
      `tfjs backend: max pooling input of ${size} elements is too large for float32 argmax indices (max ${MAX_POOL_INPUT}); use a smaller batch`,
    );
  }
}

/** Returns a cached float32 tensor for a geometry-only constant, computing its values on first use. */
export type ConstantCache = (key: string, values: () => Float32Array) => Tensor;

/**
 * Max pooling with the flat NHWC input index of each maximum (first max wins ties), from ops every
 * runtime has: tf's MaxPoolWithArgmax is missing on some and numbers indices its own way.
 */
export function maxPoolWithArgmax(tf: Tf, x: Tensor, info: Pool2DInfo, constants: ConstantCache): { y: Tensor; argmax: Tensor } {
  const key = poolKey(info);
  if (tilesInput(info))
    return tiledMaxPool(
      tf,
      x,
      info,
      constants(`pool-reverse-index:${key}`, () => reverseIndex(info)),
    );
  return windowedMaxPool(
    tf,
    x,
    info,
    constants(`pool-origins:${key}`, () => windowOrigins(info)),
  );
}

/** Windows that do not overlap and need no padding (LeNet's 2x2 stride 2). */
function tilesInput(info: Pool2DInfo): boolean {
  // padTop = padLeft = 0 is not enough: 'same' padding on an odd size puts all of it after, in a partial last window.
  return (
    info.padTop === 0 &&
    info.padLeft === 0 &&
    info.strideHeight === info.poolHeight &&
    info.strideWidth === info.poolWidth &&
    info.outHeight * info.poolHeight <= info.inHeight &&
    info.outWidth * info.poolWidth <= info.inWidth
  );
}

/**
 * Non-overlapping windows with fast kernels only (slices and broadcasts are slow on wasm and cpu):
 * y = tf.maxPool(x); y is repeated back over its window by concatenation; where x equals it, the score
 * is (input size - flat index), else 0; a second max pool of the scores picks the smallest index
 * holding the max, i.e. the first in row-major window order. Float32 holds these indices exactly.
 */
function tiledMaxPool(tf: Tf, x: Tensor, info: Pool2DInfo, reverseIndexes: Tensor): { y: Tensor; argmax: Tensor } {
  const { batch, channels: C, outHeight, outWidth, poolHeight: PH, poolWidth: PW } = info;
  const inSize = sizeOf(info.inShape);
  const covered: [number, number, number, number] = [batch, outHeight * PH, outWidth * PW, C];
  let input = tf.reshape<Rank.R4>(x, [...info.inShape]);
  // 'valid' pooling drops trailing rows/columns no window covers.
  if (covered[1] !== info.inHeight || covered[2] !== info.inWidth) input = tf.slice(input, [0, 0, 0, 0], covered);
  const y = tf.maxPool(input, [PH, PW], [PH, PW], 'valid');
  const perWindow = tf.reshape(y, [batch * outHeight, 1, outWidth, 1, C]);
  const acrossWidth = PW === 1 ? perWindow : tf.concat(new Array<Tensor>(PW).fill(perWindow), 3);
  const repeated = PH === 1 ? acrossWidth : tf.concat(new Array<Tensor>(PH).fill(acrossWidth), 1);
  const isMax = tf.cast(tf.equal(tf.reshape(input, repeated.shape), repeated), 'float32');
  const scores = tf.reshape<Rank.R4>(tf.mul(tf.reshape(isMax, [sizeOf(covered)]), reverseIndexes), covered);
  const best = tf.maxPool(scores, [PH, PW], [PH, PW], 'valid');
  // A window with no equal element (NaN) scores 0; clamp so the index stays in range.
  return { y, argmax: tf.minimum(tf.sub(inSize, best), inSize - 1) };
}

/** Over the covered input, NHWC: input size minus the flat index into the full input (1 for the last). */
function reverseIndex(info: Pool2DInfo): Float32Array {
  const { batch, inHeight: H, inWidth: W, channels: C } = info;
  const rows = info.outHeight * info.poolHeight;
  const cols = info.outWidth * info.poolWidth;
  const inSize = sizeOf(info.inShape);
  const values = new Float32Array(batch * rows * cols * C);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < rows; h++) {
      for (let w = 0; w < cols; w++) {
        for (let c = 0; c < C; c++) values[o++] = inSize - (((n * H + h) * W + w) * C + c);
      }
    }
  }
  return values;
}

/**
 * The general case (overlapping or padded windows): visits the window offsets row-major as strided
 * slices; only a strictly greater value takes over, so the first max wins ties; offsets that fall in
 * the padding are masked out and never win, as in the reference.
 */
function windowedMaxPool(tf: Tf, x: Tensor, info: Pool2DInfo, originIndex: Tensor): { y: Tensor; argmax: Tensor } {
  const { batch, inWidth: W, channels: C, outHeight, outWidth, strideHeight: sh, strideWidth: sw } = info;
  const pad = explicitPadding(info);
  const input = tf.reshape<Rank.R4>(x, [...info.inShape]);
  const padded = isZeroPadding(pad) ? input : tf.pad(input, pad);
  let best: Tensor | null = null;
  let bestOffset: Tensor | null = null;
  // Where the current best lies inside the input; null = everywhere (always so without padding).
  let bestValid: Tensor | null = null;
  for (let ph = 0; ph < info.poolHeight; ph++) {
    for (let pw = 0; pw < info.poolWidth; pw++) {
      const value = tf.stridedSlice(padded, [0, ph, pw, 0], [batch, ph + (outHeight - 1) * sh + 1, pw + (outWidth - 1) * sw + 1, C], [1, sh, sw, 1]);
      const offset = (ph * W + pw) * C;
      const valid = validMask(tf, info, ph, pw);
      if (best === null || bestOffset === null) {
        best = value;
        bestOffset = tf.fill([...info.outShape], offset);
        bestValid = valid;
        continue;
      }
      let take: Tensor = tf.greater(value, best);
      if (bestValid !== null) take = tf.logicalOr(take, tf.logicalNot(bestValid));
      if (valid !== null) take = tf.logicalAnd(take, valid);
      best = tf.where(take, value, best);
      bestOffset = tf.where(take, tf.fill([...info.outShape], offset), bestOffset);
      bestValid = bestValid === null || valid === null ? null : tf.logicalOr(bestValid, valid);
    }
  }
  return { y: best!, argmax: tf.add(tf.reshape(originIndex, [...info.outShape]), bestOffset!) };
}

/**
 * [1,OH,OW,1] booleans: does window offset (ph, pw) land inside the input? null when it always does
 * (no padding on that side), which is every offset of LeNet's pools.
 */
function validMask(tf: Tf, info: Pool2DInfo, ph: number, pw: number): Tensor | null {
  const rows = new Uint8Array(info.outHeight);
  const cols = new Uint8Array(info.outWidth);
  let allValid = true;
  for (let oh = 0; oh < info.outHeight; oh++) {
    const h = oh * info.strideHeight + ph - info.padTop;
    rows[oh] = h >= 0 && h < info.inHeight ? 1 : 0;
    if (!rows[oh]) allValid = false;
  }
  for (let ow = 0; ow < info.outWidth; ow++) {
    const w = ow * info.strideWidth + pw - info.padLeft;
    cols[ow] = w >= 0 && w < info.inWidth ? 1 : 0;
    if (!cols[ow]) allValid = false;
  }
  if (allValid) return null;
  return tf.logicalAnd(tf.tensor4d(rows, [1, info.outHeight, 1, 1], 'bool'), tf.tensor4d(cols, [1, 1, info.outWidth, 1], 'bool'));
}

/**
 * Float32 [N,OH,OW,C]: the flat input index of each window's top-left corner (which may lie in the
 * padding; the winning offset is added to it).
 */
function windowOrigins(info: Pool2DInfo): Float32Array {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight, outWidth } = info;
  const origins = new Float32Array(sizeOf(info.outShape));
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h = oh * info.strideHeight - info.padTop;
      for (let ow = 0; ow < outWidth; ow++) {
        const w = ow * info.strideWidth - info.padLeft;
        for (let c = 0; c < C; c++) origins[o++] = ((n * H + h) * W + w) * C + c;
      }
    }
  }
  return origins;
}

/** Adds each dy into the input position its max came from (overlapping windows accumulate). */
export function maxPoolBackward(tf: Tf, dy: Tensor, argmax: Tensor, info: Pool2DInfo, constants: ConstantCache): Tensor {
  if (tilesInput(info))
    return tiledMaxPoolBackward(
      tf,
      dy,
      argmax,
      info,
      constants(`pool-reverse-index:${poolKey(info)}`, () => reverseIndex(info)),
    );
  const size = sizeOf(info.outShape);
  const indices = tf.cast(tf.reshape(argmax, [size, 1]), 'int32');
  return tf.reshape(tf.scatterND(indices, tf.reshape(dy, [size]), [sizeOf(info.inShape)]), [...info.inShape]);
}

/**
 * Non-overlapping windows: each input lies in one window, so its gradient is its window's dy where it
 * holds the window's argmax, else 0. dy and argmax are repeated over their windows (as in tiledMaxPool)
 * and compared with each input's own index: no scatter, whose WebGL kernel loops over every update for
 * every output (LeNet's first pool at batch 32 took 126 s on SwiftShader; this takes well under one).
 */
function tiledMaxPoolBackward(tf: Tf, dy: Tensor, argmax: Tensor, info: Pool2DInfo, reverseIndexes: Tensor): Tensor {
  const { batch, channels: C, outHeight, outWidth, poolHeight: PH, poolWidth: PW } = info;
  const inSize = sizeOf(info.inShape);
  const covered: [number, number, number, number] = [batch, outHeight * PH, outWidth * PW, C];
  const overWindows = (t: Tensor): Tensor => {
    const perWindow = tf.reshape(t, [batch * outHeight, 1, outWidth, 1, C]);
    const acrossWidth = PW === 1 ? perWindow : tf.concat(new Array<Tensor>(PW).fill(perWindow), 3);
    const repeated = PH === 1 ? acrossWidth : tf.concat(new Array<Tensor>(PH).fill(acrossWidth), 1);
    return tf.reshape(repeated, [sizeOf(covered)]);
  };
  // reverseIndexes holds inSize - index, so an input is its window's argmax where the two sums agree.
  const isMax = tf.cast(tf.equal(reverseIndexes, tf.sub(inSize, overWindows(argmax))), 'float32');
  const dx = tf.reshape<Rank.R4>(tf.mul(isMax, overWindows(dy)), covered);
  // 'valid' pooling dropped trailing rows/columns: their gradient is 0.
  if (covered[1] === info.inHeight && covered[2] === info.inWidth) return dx;
  return tf.pad(dx, [
    [0, 0],
    [0, info.inHeight - covered[1]],
    [0, info.inWidth - covered[2]],
    [0, 0],
  ]);
}

/** The geometry a pool's constants depend on. */
function poolKey(info: Pool2DInfo): string {
  return `${info.inShape.join('x')}/${info.poolHeight}x${info.poolWidth}/${info.strideHeight},${info.strideWidth}/${info.padTop},${info.padLeft}`;
}
