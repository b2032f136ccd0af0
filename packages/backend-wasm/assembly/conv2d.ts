// Direct NHWC convolutions, vectorised over the channel axis that is contiguous in memory (16 lanes at a
// time), so they need no im2col buffer. Vector loads may run up to 15 floats past a row of filter or
// gradient values; the lanes they fill are computed and never stored (every allocation has that slack).
import { activateRange, biasAt, madd, store16 } from './simd';

/** Geometry of one convolution, as core's Conv2DInfo gives it. */
@unmanaged export class ConvGeometry {
  batch: i32; inHeight: i32; inWidth: i32; inChannels: i32;
  outHeight: i32; outWidth: i32; outChannels: i32;
  filterHeight: i32; filterWidth: i32;
  strideHeight: i32; strideWidth: i32;
  padTop: i32; padLeft: i32;
}

/** y = act(conv(x, w) + bias) for output rows [rowFrom, rowTo) of the N*OH rows. */
export function conv2dRows(x: usize, w: usize, bias: usize, y: usize, g: ConvGeometry, act: i32, rowFrom: i32, rowTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const KH = g.filterHeight, KW = g.filterWidth;
  const filterRow = <usize>F << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow++) {
      const out = y + ((<usize>(row * OW + ow) * F) << 2);
      for (let f0 = 0; f0 < F; f0 += 16) {
        const fo = <usize>f0 << 2;
        let acc0 = biasAt(bias, fo), acc1 = biasAt(bias, fo + 16), acc2 = biasAt(bias, fo + 32), acc3 = biasAt(bias, fo + 48);
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * g.strideHeight - g.padTop + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * g.strideWidth - g.padLeft + kw;
            if (iw < 0 || iw >= W) continue;
            let xp = x + ((<usize>((nn * H + ih) * W + iw) * C) << 2);
            let wp = w + ((<usize>((kh * KW + kw) * C) * F) << 2) + fo;
            for (let c = 0; c < C; c++) {
              const xs = v128.load32_splat(xp);
              acc0 = madd(xs, v128.load(wp), acc0);
              acc1 = madd(xs, v128.load(wp, 16), acc1);
              acc2 = madd(xs, v128.load(wp, 32), acc2);
              acc3 = madd(xs, v128.load(wp, 48), acc3);
              xp += 4;
              wp += filterRow;
            }
          }
        }
        store16(out + fo, acc0, acc1, acc2, acc3, F - f0);
      }
    }
  }
  // The activation runs over the chunk's rows while they are still in cache.
  activateRange(y, y, rowFrom * OW * F, rowTo * OW * F, act);
}

/** Filter [KH,KW,C,F] to [KH,KW,F,C]: the backward-input kernel then reads input channels contiguously. */
export function transposeTaps(w: usize, out: usize, taps: i32, C: i32, F: i32): void {
  for (let t = 0; t < taps; t++) {
    const from = w + ((<usize>t * C * F) << 2);
    const to = out + ((<usize>t * C * F) << 2);
    for (let c = 0; c < C; c++) {
      for (let f = 0; f < F; f++) store<f32>(to + ((<usize>(f * C + c)) << 2), load<f32>(from + ((<usize>(c * F + f)) << 2)));
    }
  }
}

/**
 * dx for input rows [rowFrom, rowTo) of the N*H rows, gathered: each dx element sums, over the taps whose
 * window covers it, dy . w (over output channels). `wt` is the filter from transposeTaps.
 */
export function conv2dBackwardInputRows(dy: usize, wt: usize, dx: usize, g: ConvGeometry, rowFrom: i32, rowTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const KH = g.filterHeight, KW = g.filterWidth, SH = g.strideHeight, SW = g.strideWidth;
  const tapRow = <usize>C << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / H, ih = row % H;
    for (let iw = 0; iw < W; iw++) {
      const out = dx + ((<usize>(row * W + iw) * C) << 2);
      for (let c0 = 0; c0 < C; c0 += 16) {
        const co = <usize>c0 << 2;
        let acc0 = f32x4.splat(0.0), acc1 = f32x4.splat(0.0), acc2 = f32x4.splat(0.0), acc3 = f32x4.splat(0.0);
        for (let kh = 0; kh < KH; kh++) {
          const th = ih + g.padTop - kh;
          if (th < 0 || th % SH != 0) continue;
          const oh = th / SH;
          if (oh >= OH) continue;
          for (let kw = 0; kw < KW; kw++) {
            const tw = iw + g.padLeft - kw;
            if (tw < 0 || tw % SW != 0) continue;
            const ow = tw / SW;
            if (ow >= OW) continue;
            let dp = dy + ((<usize>((nn * OH + oh) * OW + ow) * F) << 2);
            let wp = wt + ((<usize>((kh * KW + kw) * F) * C) << 2) + co;
            for (let f = 0; f < F; f++) {
              const ds = v128.load32_splat(dp);
              acc0 = madd(ds, v128.load(wp), acc0);
              acc1 = madd(ds, v128.load(wp, 16), acc1);
              acc2 = madd(ds, v128.load(wp, 32), acc2);
              acc3 = madd(ds, v128.load(wp, 48), acc3);
              dp += 4;
              wp += tapRow;
            }
          }
        }
        store16(out + co, acc0, acc1, acc2, acc3, C - c0);
      }
    }
  }
}

/**
 * The filter gradient of samples [sampleFrom, sampleTo) into `partial` ([KH,KW,C,F]): for every tap and
 * input channel, the sum over those samples' output pixels of x * dy (over output channels).
 */
export function conv2dBackwardFilterSamples(x: usize, dy: usize, partial: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const KH = g.filterHeight, KW = g.filterWidth;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let c = 0; c < C; c++) {
        const out = partial + ((<usize>((kh * KW + kw) * C + c) * F) << 2);
        for (let f0 = 0; f0 < F; f0 += 16) {
          const fo = <usize>f0 << 2;
          let acc0 = f32x4.splat(0.0), acc1 = f32x4.splat(0.0), acc2 = f32x4.splat(0.0), acc3 = f32x4.splat(0.0);
          for (let nn = sampleFrom; nn < sampleTo; nn++) {
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * g.strideHeight - g.padTop + kh;
              if (ih < 0 || ih >= H) continue;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * g.strideWidth - g.padLeft + kw;
                if (iw < 0 || iw >= W) continue;
                const xs = v128.load32_splat(x + ((<usize>((nn * H + ih) * W + iw) * C + c) << 2));
                const dp = dy + ((<usize>((nn * OH + oh) * OW + ow) * F) << 2) + fo;
                acc0 = madd(xs, v128.load(dp), acc0);
                acc1 = madd(xs, v128.load(dp, 16), acc1);
                acc2 = madd(xs, v128.load(dp, 32), acc2);
                acc3 = madd(xs, v128.load(dp, 48), acc3);
              }
            }
          }
          store16(out + fo, acc0, acc1, acc2, acc3, F - f0);
        }
      }
    }
  }
}
