// Max pooling over NHWC, four channels a vector. The argmax is the flat input index as a float (exact
// below 2^24), and a strictly-greater compare in window order keeps the first maximum on ties.
import { selectLanes, storeLanes } from './simd';

@unmanaged export class PoolGeometry {
  batch: i32; inHeight: i32; inWidth: i32; channels: i32;
  outHeight: i32; outWidth: i32;
  poolHeight: i32; poolWidth: i32;
  strideHeight: i32; strideWidth: i32;
  padTop: i32; padLeft: i32;
}

/** Output rows [rowFrom, rowTo) of the N*OH rows. */
export function maxPoolRows(x: usize, y: usize, argmax: usize, g: PoolGeometry, rowFrom: i32, rowTo: i32): void {
  // Whole windows only: 'same' padding on an odd size ends in a partial window with padTop and padLeft still 0.
  if (g.poolHeight == 2 && g.poolWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 && g.padTop == 0 && g.padLeft == 0 && 2 * g.outHeight <= g.inHeight && 2 * g.outWidth <= g.inWidth) {
    maxPool2x2Rows(x, y, argmax, g, rowFrom, rowTo);
    return;
  }
  const H = g.inHeight, W = g.inWidth, C = g.channels, OH = g.outHeight, OW = g.outWidth;
  const lanes = i32x4(0, 1, 2, 3);
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow++) {
      const out = (<usize>(row * OW + ow) * C) << 2;
      for (let c0 = 0; c0 < C; c0 += 4) {
        let best = f32x4.splat(-Infinity);
        let index = f32x4.splat(-1.0);
        for (let ph = 0; ph < g.poolHeight; ph++) {
          const ih = oh * g.strideHeight - g.padTop + ph;
          if (ih < 0 || ih >= H) continue;
          for (let pw = 0; pw < g.poolWidth; pw++) {
            const iw = ow * g.strideWidth - g.padLeft + pw;
            if (iw < 0 || iw >= W) continue;
            const flat = ((nn * H + ih) * W + iw) * C + c0;
            const v = v128.load(x + (<usize>flat << 2));
            const greater = f32x4.gt(v, best);
            best = v128.bitselect(v, best, greater);
            index = v128.bitselect(f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(flat), lanes)), index, greater);
          }
        }
        const count = min(4, C - c0);
        storeLanes(y + out + (<usize>c0 << 2), best, count);
        storeLanes(argmax + out + (<usize>c0 << 2), index, count);
      }
    }
  }
}

/** dx of samples [sampleFrom, sampleTo): zeros, plus each dy added at its argmax (in output order). */
export function maxPoolBackwardSamples(dy: usize, argmax: usize, dx: usize, g: PoolGeometry, sampleFrom: i32, sampleTo: i32): void {
  if (g.poolHeight == 2 && g.poolWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 && g.padTop == 0 && g.padLeft == 0
    && g.inHeight == 2 * g.outHeight && g.inWidth == 2 * g.outWidth) {
    maxPool2x2BackwardSamples(dy, argmax, dx, g, sampleFrom, sampleTo);
    return;
  }
  const inSample = g.inHeight * g.inWidth * g.channels;
  const outSample = g.outHeight * g.outWidth * g.channels;
  memory.fill(dx + (<usize>(sampleFrom * inSample) << 2), 0, <usize>((sampleTo - sampleFrom) * inSample) << 2);
  const end = sampleTo * outSample;
  for (let o = sampleFrom * outSample; o < end; o++) {
    const target = dx + (<usize>(<i32>load<f32>(argmax + (<usize>o << 2))) << 2);
    store<f32>(target, load<f32>(target) + load<f32>(dy + (<usize>o << 2)));
  }
}

/**
 * LeNet's pooling (2x2 windows, stride 2, no padding) with the window unrolled: four loads, four
 * compares; indices are float vectors stepped by exact integer adds. pmax(best, v) is the compare-and-
 * select (best < v ? v : best: ties and NaNs keep the earlier value), and the index takes one blend.
 */
function maxPool2x2Rows(x: usize, y: usize, argmax: usize, g: PoolGeometry, rowFrom: i32, rowTo: i32): void {
  // One copy of the loop per channel remainder, so that each copy's partial stores are fixed: a store
  // whose lane count is a run-time value branches, and V8 then recomputes the addresses and indices
  // feeding it (an integer division among them) in every branch.
  const rem = g.channels & 3;
  if (rem == 0) pool2x2Rows(x, y, argmax, g, rowFrom, rowTo, 0);
  else if (rem == 1) pool2x2Rows(x, y, argmax, g, rowFrom, rowTo, 1);
  else if (rem == 2) pool2x2Rows(x, y, argmax, g, rowFrom, rowTo, 2);
  else pool2x2Rows(x, y, argmax, g, rowFrom, rowTo, 3);
}

@inline function pool2x2Rows(x: usize, y: usize, argmax: usize, g: PoolGeometry, rowFrom: i32, rowTo: i32, rem: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.channels, OH = g.outHeight, OW = g.outWidth;
  const right = <usize>C << 2;
  const down = <usize>(W * C) << 2;
  const rightIndex = f32x4.splat(<f32>C);
  const downIndex = f32x4.splat(<f32>(W * C));
  const whole = C - rem;
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow++) {
      const out = (<usize>(row * OW + ow) * C) << 2;
      const flat = ((nn * H + 2 * oh) * W + 2 * ow) * C;
      for (let c0 = 0; c0 < whole; c0 += 4) {
        window2x2(x, y + out, argmax + out, flat, c0, right, down, rightIndex, downIndex, 4);
      }
      if (rem != 0) window2x2(x, y + out, argmax + out, flat, whole, right, down, rightIndex, downIndex, rem);
    }
  }
}

/** Channels [c0, c0 + count) of one 2x2 window whose first input element is flat; y and argmax at the output pixel. */
@inline function window2x2(
  x: usize, y: usize, argmax: usize, flat: i32, c0: i32, right: usize, down: usize,
  rightIndex: v128, downIndex: v128, count: i32,
): void {
  const p = x + (<usize>(flat + c0) << 2);
  const i00 = f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(flat + c0), i32x4(0, 1, 2, 3)));
  const i01 = f32x4.add(i00, rightIndex);
  const i10 = f32x4.add(i00, downIndex);
  const i11 = f32x4.add(i10, rightIndex);
  let best = f32x4.splat(-Infinity);
  let index = f32x4.splat(-1.0);
  let v = v128.load(p);
  let greater = f32x4.gt(v, best);
  best = f32x4.pmax(best, v);
  index = selectLanes(i00, index, greater);
  v = v128.load(p + right);
  greater = f32x4.gt(v, best);
  best = f32x4.pmax(best, v);
  index = selectLanes(i01, index, greater);
  v = v128.load(p + down);
  greater = f32x4.gt(v, best);
  best = f32x4.pmax(best, v);
  index = selectLanes(i10, index, greater);
  v = v128.load(p + down + right);
  greater = f32x4.gt(v, best);
  best = f32x4.pmax(best, v);
  index = selectLanes(i11, index, greater);
  storeLanes(y + (<usize>c0 << 2), best, count);
  storeLanes(argmax + (<usize>c0 << 2), index, count);
}

/**
 * maxPoolBackwardSamples for 2x2 windows that tile the input exactly (LeNet's): every dx element lies in
 * one window, so each is written once, four channels a vector: 0 + dy where the argmax points at it (the
 * sum the scattering loop forms), else 0. No fill pass and no scalar scatter.
 */
function maxPool2x2BackwardSamples(dy: usize, argmax: usize, dx: usize, g: PoolGeometry, sampleFrom: i32, sampleTo: i32): void {
  // One copy per channel remainder, as in maxPool2x2Rows.
  const rem = g.channels & 3;
  if (rem == 0) pool2x2Backward(dy, argmax, dx, g, sampleFrom, sampleTo, 0);
  else if (rem == 1) pool2x2Backward(dy, argmax, dx, g, sampleFrom, sampleTo, 1);
  else if (rem == 2) pool2x2Backward(dy, argmax, dx, g, sampleFrom, sampleTo, 2);
  else pool2x2Backward(dy, argmax, dx, g, sampleFrom, sampleTo, 3);
}

@inline function pool2x2Backward(dy: usize, argmax: usize, dx: usize, g: PoolGeometry, sampleFrom: i32, sampleTo: i32, rem: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.channels, OH = g.outHeight, OW = g.outWidth;
  const right = <usize>C << 2;
  const down = <usize>(W * C) << 2;
  const rightIndex = f32x4.splat(<f32>C);
  const downIndex = f32x4.splat(<f32>(W * C));
  const whole = C - rem;
  for (let row = sampleFrom * OH; row < sampleTo * OH; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow++) {
      const o = (<usize>(row * OW + ow) * C) << 2;
      const flat = ((nn * H + 2 * oh) * W + 2 * ow) * C;
      for (let c0 = 0; c0 < whole; c0 += 4) {
        windowBackward2x2(dy + o, argmax + o, dx, flat, c0, right, down, rightIndex, downIndex, 4);
      }
      if (rem != 0) windowBackward2x2(dy + o, argmax + o, dx, flat, whole, right, down, rightIndex, downIndex, rem);
    }
  }
}

/** Channels [c0, c0 + count) of one window's dx: 0 + dy where the argmax points, else 0. */
@inline function windowBackward2x2(
  dy: usize, argmax: usize, dx: usize, flat: i32, c0: i32, right: usize, down: usize,
  rightIndex: v128, downIndex: v128, count: i32,
): void {
  const zero = f32x4.splat(0.0);
  const p = dx + (<usize>(flat + c0) << 2);
  const i00 = f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(flat + c0), i32x4(0, 1, 2, 3)));
  const i01 = f32x4.add(i00, rightIndex);
  const i10 = f32x4.add(i00, downIndex);
  const i11 = f32x4.add(i10, rightIndex);
  const co = <usize>c0 << 2;
  const d = f32x4.add(zero, v128.load(dy + co));
  const at = v128.load(argmax + co);
  storeLanes(p, selectLanes(d, zero, f32x4.eq(at, i00)), count);
  storeLanes(p + right, selectLanes(d, zero, f32x4.eq(at, i01)), count);
  storeLanes(p + down, selectLanes(d, zero, f32x4.eq(at, i10)), count);
  storeLanes(p + down + right, selectLanes(d, zero, f32x4.eq(at, i11)), count);
}
