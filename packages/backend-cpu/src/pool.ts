/** The fields of core's Pool2DInfo the kernels read; workers rebuild it from a task's integers. */
export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  poolHeight: number;
  poolWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** The same memory as integers (the kernels' views span whole buffers, so this view is cached per buffer). */
const bitViews = new WeakMap<ArrayBufferLike, Int32Array>();
function bitsOf(values: Float32Array): Int32Array {
  let bits = bitViews.get(values.buffer);
  if (bits === undefined || bits.length !== values.length || bits.byteOffset !== values.byteOffset) {
    bits = new Int32Array(values.buffer, values.byteOffset, values.length);
    bitViews.set(values.buffer, bits);
  }
  return bits;
}

/** Largest input whose flat indices float32 holds exactly (the argmax handle is a Float32Array). */
export const MAX_POOL_INPUT = 2 ** 24;

/**
 * Max over each window of samples [sampleStart, sampleEnd), NHWC, channels innermost so the inner loop
 * is contiguous. Windows are scanned row-major and only a strictly greater value replaces the best, so
 * the first max wins ties; padding positions are skipped, so they never win. argmax holds the flat
 * index into x as a float.
 */
export function maxPool(x: Float32Array, info: PoolGeometry, y: Float32Array, argmax: Float32Array, sampleStart: number, sampleEnd: number): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight, outWidth, poolHeight, poolWidth } = info;
  // The fast path reads whole 2x2 windows: 'same' padding on an odd size ends in a partial window (padTop
  // and padLeft are still 0, the padding is all after), which only the general loop clips.
  if (
    poolHeight === 2 &&
    poolWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.padTop === 0 &&
    info.padLeft === 0 &&
    2 * outHeight <= H &&
    2 * outWidth <= W
  ) {
    maxPool2x2(x, bitsOf(x), info, y, bitsOf(y), argmax, sampleStart, sampleEnd);
    return;
  }
  let o = sampleStart * outHeight * outWidth * C;
  for (let n = sampleStart; n < sampleEnd; n++) {
    const image = n * H * W * C;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * info.strideHeight - info.padTop;
      const hStart = Math.max(top, 0);
      const hEnd = Math.min(top + poolHeight, H);
      for (let ow = 0; ow < outWidth; ow++, o += C) {
        const left = ow * info.strideWidth - info.padLeft;
        const wStart = Math.max(left, 0);
        const wEnd = Math.min(left + poolWidth, W);
        const first = image + (hStart * W + wStart) * C;
        for (let c = 0; c < C; c++) {
          y[o + c] = x[first + c]!;
          argmax[o + c] = first + c;
        }
        for (let h = hStart; h < hEnd; h++) {
          for (let w = h === hStart ? wStart + 1 : wStart; w < wEnd; w++) {
            const s = image + (h * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[s + c]!;
              if (v > y[o + c]!) {
                y[o + c] = v;
                argmax[o + c] = s + c;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The common 2x2, stride 2, unpadded case of maxPool, without branches: a float compare per candidate
 * mispredicts half the time on real activations and costs ~3x this. Non-negative floats order like their
 * bit patterns as integers, so the max and its index are picked with integer masks on `xBits` (x's bits);
 * a window holding a negative value or a NaN takes the float path.
 */
function maxPool2x2(
  x: Float32Array,
  xBits: Int32Array,
  info: PoolGeometry,
  y: Float32Array,
  yBits: Int32Array,
  argmax: Float32Array,
  sampleStart: number,
  sampleEnd: number,
): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight, outWidth } = info;
  const rowStride = W * C;
  let o = sampleStart * outHeight * outWidth * C;
  for (let n = sampleStart; n < sampleEnd; n++) {
    const image = n * H * rowStride;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const first = image + 2 * oh * rowStride + 2 * ow * C;
        for (let c = 0; c < C; c++, o++) {
          const i = first + c;
          const a = xBits[i]!,
            b = xBits[i + C]!,
            d = xBits[i + rowStride]!,
            e = xBits[i + rowStride + C]!;
          // mask = -1 when the candidate is strictly greater: it replaces the best (first max wins ties).
          let best = a;
          let at = i;
          let mask = (best - b) >> 31;
          best -= (best - b) & mask;
          at ^= (at ^ (i + C)) & mask;
          mask = (best - d) >> 31;
          best -= (best - d) & mask;
          at ^= (at ^ (i + rowStride)) & mask;
          mask = (best - e) >> 31;
          best -= (best - e) & mask;
          at ^= (at ^ (i + rowStride + C)) & mask;
          if ((a | b | d | e) < 0 || best > POSITIVE_INFINITY_BITS) {
            windowMax(x, i, C, rowStride, y, argmax, o);
            continue;
          }
          yBits[o] = best;
          argmax[o] = at;
        }
      }
    }
  }
}

const POSITIVE_INFINITY_BITS = 0x7f800000;

/** One 2x2 window compared as floats, in scan order. */
function windowMax(x: Float32Array, i: number, C: number, rowStride: number, y: Float32Array, argmax: Float32Array, o: number): void {
  let best = x[i]!;
  let at = i;
  const right = x[i + C]!;
  if (right > best) {
    best = right;
    at = i + C;
  }
  const below = x[i + rowStride]!;
  if (below > best) {
    best = below;
    at = i + rowStride;
  }
  const diagonal = x[i + rowStride + C]!;
  if (diagonal > best) {
    best = diagonal;
    at = i + rowStride + C;
  }
  y[o] = best;
  argmax[o] = at;
}

/**
 * Samples [sampleStart, sampleEnd) of dx: zeroed, then each dy added to the input position its max came
 * from (overlapping windows add, in dy order). A sample's argmax indices stay inside that sample.
 */
export function maxPoolBackward(dy: Float32Array, argmax: Float32Array, dx: Float32Array, info: PoolGeometry, sampleStart: number, sampleEnd: number): void {
  const inSize = info.inHeight * info.inWidth * info.channels;
  const outSize = info.outHeight * info.outWidth * info.channels;
  dx.fill(0, sampleStart * inSize, sampleEnd * inSize);
  for (let i = sampleStart * outSize, end = sampleEnd * outSize; i < end; i++) {
    const target = argmax[i]!;
    dx[target] = dx[target]! + dy[i]!;
  }
}
