// Max pooling over NHWC, four channels a vector. The argmax is the flat input index as a float (exact
// below 2^24), and a strictly-greater compare in window order keeps the first maximum on ties.
import { storeLanes } from './simd';

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
 * compares; indices are float vectors stepped by exact integer adds.
 */
function maxPool2x2Rows(x: usize, y: usize, argmax: usize, g: PoolGeometry, rowFrom: i32, rowTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.channels, OH = g.outHeight, OW = g.outWidth;
  const lanes = i32x4(0, 1, 2, 3);
  const right = <usize>C << 2;
  const down = <usize>(W * C) << 2;
  const rightIndex = f32x4.splat(<f32>C);
  const downIndex = f32x4.splat(<f32>(W * C));
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow++) {
      const out = (<usize>(row * OW + ow) * C) << 2;
      for (let c0 = 0; c0 < C; c0 += 4) {
        const flat = ((nn * H + 2 * oh) * W + 2 * ow) * C + c0;
        const p = x + (<usize>flat << 2);
        const i00 = f32x4.convert_i32x4_s(i32x4.add(i32x4.splat(flat), lanes));
        const i01 = f32x4.add(i00, rightIndex);
        const i10 = f32x4.add(i00, downIndex);
        const i11 = f32x4.add(i10, rightIndex);
        let best = f32x4.splat(-Infinity);
        let index = f32x4.splat(-1.0);
        let v = v128.load(p);
        let greater = f32x4.gt(v, best);
        best = v128.bitselect(v, best, greater);
        index = v128.bitselect(i00, index, greater);
        v = v128.load(p + right);
        greater = f32x4.gt(v, best);
        best = v128.bitselect(v, best, greater);
        index = v128.bitselect(i01, index, greater);
        v = v128.load(p + down);
        greater = f32x4.gt(v, best);
        best = v128.bitselect(v, best, greater);
        index = v128.bitselect(i10, index, greater);
        v = v128.load(p + down + right);
        greater = f32x4.gt(v, best);
        best = v128.bitselect(v, best, greater);
        index = v128.bitselect(i11, index, greater);
        const count = min(4, C - c0);
        storeLanes(y + out + (<usize>c0 << 2), best, count);
        storeLanes(argmax + out + (<usize>c0 << 2), index, count);
      }
    }
  }
}
