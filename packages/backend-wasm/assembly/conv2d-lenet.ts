// Convolution kernels shaped for LeNet's tensors (stride 1, 'valid' padding): conv1 has one input channel
// and 6 filters, conv2 6 input channels and 16 filters. Each keeps 8 to 12 vector accumulators in
// registers and reuses every load several times; conv2d.ts chooses them where the shapes fit.
import { ConvGeometry } from './conv2d';
import { activateRange, madd, storeLanes } from './simd';

/** Bias lane f splatted, or zero. */
@inline function biasSplat(bias: usize, f: usize): v128 {
  return bias == 0 ? f32x4.splat(0.0) : v128.load32_splat(bias + (f << 2));
}

/** Lanes 0..3 of v at p, p + stride, p + 2 stride, p + 3 stride. */
@inline function scatter4(p: usize, v: v128, stride: usize): void {
  v128.store32_lane(p, v, 0);
  v128.store32_lane(p + stride, v, 1);
  v128.store32_lane(p + stride * 2, v, 2);
  v128.store32_lane(p + stride * 3, v, 3);
}

/**
 * One input channel, 6 filters (conv1), output width a multiple of 4: vectorised over output pixels
 * (contiguous in x because C = 1), 3 filters a pass. With FMA, 12 pixels a pass: 9 accumulators keep both
 * FMA pipes busy (8 independent chains cover the latency; the 8-pixel tile's 6 were latency bound) while
 * 9 + 3 inputs + a weight fit V8's 15 vector registers. Without FMA each multiply-add needs a register
 * for the product and the 12-pixel tile spilled, so plain SIMD keeps 8 pixels. A row's last pixels short
 * of a tile go 4 at a time. The activation runs over each row right after it is written (applied to the
 * accumulators instead, with its 15 constants reloaded for each, it was slower). Each output is bias +
 * the taps in (kh, kw) order, whatever the tile.
 */
export function conv2dSingleChannelRows(x: usize, w: usize, bias: usize, y: usize, g: ConvGeometry, act: i32, rowFrom: i32, rowTo: i32): void {
  const H = g.inHeight, W = g.inWidth, OH = g.outHeight, OW = g.outWidth;
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    const input = x + ((<usize>((nn * H + oh) * W)) << 2);
    const output = y + ((<usize>(row * OW * 6)) << 2);
    let ow0 = 0;
    if (ASC_FEATURE_RELAXED_SIMD) {
      for (; ow0 + 12 <= OW; ow0 += 12) {
        singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 0, 3);
        singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 3, 3);
      }
    } else {
      for (; ow0 + 8 <= OW; ow0 += 8) {
        singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 0, 2);
        singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 3, 2);
      }
    }
    for (; ow0 < OW; ow0 += 4) {
      singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 0, 1);
      singleChannelPixels(input + (<usize>ow0 << 2), w, bias, output + (<usize>(ow0 * 6) << 2), g, 3, 1);
    }
    // The activation runs over the row just written, still in L1.
    activateRange(y, y, row * OW * 6, (row + 1) * OW * 6, act);
  }
}

/**
 * Filters [f0, f0 + 3) of 4 * vectors neighbouring output pixels; x at the window's corner of the first
 * pixel, y at its output. `vectors` is a constant (1 to 3) at every call, so unused accumulators vanish.
 */
@inline function singleChannelPixels(x: usize, w: usize, bias: usize, y: usize, g: ConvGeometry, f0: usize, vectors: i32): void {
  const W = g.inWidth, KH = g.filterHeight, KW = g.filterWidth;
  const pixel: usize = 24;
  let a0 = biasSplat(bias, f0), a1 = biasSplat(bias, f0 + 1), a2 = biasSplat(bias, f0 + 2);
  let b0 = a0, b1 = a1, b2 = a2, c0 = a0, c1 = a1, c2 = a2;
  for (let kh = 0; kh < KH; kh++) {
    let xp = x + ((<usize>(kh * W)) << 2);
    let wp = w + ((<usize>(kh * KW * 6)) << 2) + (f0 << 2);
    for (let kw = 0; kw < KW; kw++) {
      const xa = v128.load(xp);
      const xb = vectors > 1 ? v128.load(xp, 16) : xa;
      const xc = vectors > 2 ? v128.load(xp, 32) : xa;
      let s = v128.load32_splat(wp);
      a0 = madd(xa, s, a0);
      if (vectors > 1) b0 = madd(xb, s, b0);
      if (vectors > 2) c0 = madd(xc, s, c0);
      s = v128.load32_splat(wp, 4);
      a1 = madd(xa, s, a1);
      if (vectors > 1) b1 = madd(xb, s, b1);
      if (vectors > 2) c1 = madd(xc, s, c1);
      s = v128.load32_splat(wp, 8);
      a2 = madd(xa, s, a2);
      if (vectors > 1) b2 = madd(xb, s, b2);
      if (vectors > 2) c2 = madd(xc, s, c2);
      xp += 4;
      wp += 24;
    }
  }
  const o = y + (f0 << 2);
  scatter4(o, a0, pixel);
  scatter4(o + 4, a1, pixel);
  scatter4(o + 8, a2, pixel);
  if (vectors > 1) {
    const o4 = o + pixel * 4;
    scatter4(o4, b0, pixel);
    scatter4(o4 + 4, b1, pixel);
    scatter4(o4 + 8, b2, pixel);
  }
  if (vectors > 2) {
    const o8 = o + pixel * 8;
    scatter4(o8, c0, pixel);
    scatter4(o8 + 4, c1, pixel);
    scatter4(o8 + 8, c2, pixel);
  }
}

/**
 * Filters a multiple of 8 (conv2), output width a multiple of 4: four neighbouring output pixels times 8
 * filters (8 accumulators; 16 filters at once spilled). With stride 1 a window row's (kw, c) values are
 * contiguous in x, so the inner loop runs over KW*C.
 */
export function conv2dPixelQuadRows(x: usize, w: usize, bias: usize, y: usize, g: ConvGeometry, act: i32, rowFrom: i32, rowTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const KH = g.filterHeight, KW = g.filterWidth;
  const span = KW * C;
  const filterRow = <usize>F << 2;
  const nextPixel = <usize>C << 2;
  for (let row = rowFrom; row < rowTo; row++) {
    const nn = row / OH, oh = row % OH;
    for (let ow = 0; ow < OW; ow += 4) {
      const out = y + ((<usize>((row * OW + ow) * F)) << 2);
      for (let f0 = 0; f0 < F; f0 += 8) {
        const fo = <usize>f0 << 2;
        let a0 = f32x4.splat(0.0), a1 = a0;
        if (bias != 0) {
          a0 = v128.load(bias + fo);
          a1 = v128.load(bias + fo, 16);
        }
        let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
        for (let kh = 0; kh < KH; kh++) {
          let xp = x + ((<usize>((nn * H + oh + kh) * W + ow) * C) << 2);
          let wp = w + ((<usize>(kh * span) * F) << 2) + fo;
          for (let j = 0; j < span; j++) {
            const w0 = v128.load(wp), w1 = v128.load(wp, 16);
            let s = v128.load32_splat(xp);
            a0 = madd(s, w0, a0); a1 = madd(s, w1, a1);
            s = v128.load32_splat(xp + nextPixel);
            b0 = madd(s, w0, b0); b1 = madd(s, w1, b1);
            s = v128.load32_splat(xp + nextPixel * 2);
            c0 = madd(s, w0, c0); c1 = madd(s, w1, c1);
            s = v128.load32_splat(xp + nextPixel * 3);
            d0 = madd(s, w0, d0); d1 = madd(s, w1, d1);
            xp += 4;
            wp += filterRow;
          }
        }
        const p = out + fo;
        v128.store(p, a0); v128.store(p, a1, 16);
        v128.store(p + filterRow, b0); v128.store(p + filterRow, b1, 16);
        v128.store(p + filterRow * 2, c0); v128.store(p + filterRow * 2, c1, 16);
        v128.store(p + filterRow * 3, d0); v128.store(p + filterRow * 3, d1, 16);
      }
    }
    // The activation runs over the row just written, still in L1 (over the whole chunk: about 3% slower).
    activateRange(y, y, row * OW * F, (row + 1) * OW * F, act);
  }
}

/** Floats of the packed filter conv2dBackwardInputFilterRows reads: [KH][F][KW*C rounded up to 8]. */
export function filterRowsFloats(g: ConvGeometry): i32 {
  return g.filterHeight * g.outChannels * filterRowLength(g);
}

@inline function filterRowLength(g: ConvGeometry): i32 {
  return (g.filterWidth * g.inChannels + 7) & ~7;
}

/** Filter [KH,KW,C,F] to [KH][F][KW*C, zero-padded to a multiple of 8]. */
export function packFilterRows(w: usize, out: usize, g: ConvGeometry): void {
  const KH = g.filterHeight, KW = g.filterWidth, C = g.inChannels, F = g.outChannels;
  const length = filterRowLength(g);
  memory.fill(out, 0, <usize>filterRowsFloats(g) << 2);
  for (let kh = 0; kh < KH; kh++) {
    for (let f = 0; f < F; f++) {
      const row = out + ((<usize>((kh * F + f) * length)) << 2);
      for (let j = 0; j < KW * C; j++) store<f32>(row + (<usize>j << 2), load<f32>(w + ((<usize>((kh * KW * C + j) * F + f)) << 2)));
    }
  }
}

/**
 * dx for samples [sampleFrom, sampleTo), output width a multiple of 4 (conv2's), scattered by filter rows:
 * with stride 1, the KW*C input values one output pixel reaches through filter row kh are contiguous in
 * dx, so 4 neighbouring output pixels times 8 of those positions accumulate over the output channels in
 * registers, then add into dx. Every multiply-add is a real one (a gather over a zero-padded dy does 2.25
 * times as many for conv2), 30 of 32 lanes work for conv2 (8-lane channel vectors per tap: 6 of 8), and it
 * ran 17% faster than that per-tap version. Pixels 0 and 2 are added before 1 and 3: their ranges do not
 * overlap, so a load rarely waits on the store just before it. Each dx element collects its terms in one
 * fixed order. `rows` is the filter from packFilterRows.
 */
export function conv2dBackwardInputFilterRows(dy: usize, rows: usize, dx: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32): void {
  // The partial last block's lane count fixed in each copy (conv2: KW*C = 30, 6 lanes past 24): with a
  // run-time count every add-into-dx branches, and V8 recomputes its operands in each branch.
  const rem = (g.filterWidth * g.inChannels) & 7;
  if (rem == 0) filterRowSamples(dy, rows, dx, g, sampleFrom, sampleTo, 0);
  else if (rem == 6) filterRowSamples(dy, rows, dx, g, sampleFrom, sampleTo, 6);
  else filterRowSamples(dy, rows, dx, g, sampleFrom, sampleTo, rem);
}

@inline function filterRowSamples(dy: usize, rows: usize, dx: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32, rem: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const KH = g.filterHeight, span = g.filterWidth * C;
  const whole = span - rem;
  const length = filterRowLength(g);
  memory.fill(dx + ((<usize>(sampleFrom * H * W * C)) << 2), 0, (<usize>((sampleTo - sampleFrom) * H * W * C)) << 2);
  for (let nn = sampleFrom; nn < sampleTo; nn++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const dxRow = dx + ((<usize>((nn * H + oh + kh) * W * C)) << 2);
        const filterRow = rows + ((<usize>(kh * F * length)) << 2);
        for (let ow0 = 0; ow0 < OW; ow0 += 4) {
          const source = dy + ((<usize>(((nn * OH + oh) * OW + ow0) * F)) << 2);
          const out = dxRow + ((<usize>(ow0 * C)) << 2);
          for (let j0 = 0; j0 < whole; j0 += 8) filterRowBlock(source, filterRow, out, j0, F, C, length, 8);
          if (rem != 0) filterRowBlock(source, filterRow, out, whole, F, C, length, rem);
        }
      }
    }
  }
}

/** 4 output pixels from `source` times positions [j0, j0 + valid) of a filter row, added into dx at `out` (pixel ow0). */
@inline function filterRowBlock(source: usize, filterRow: usize, out: usize, j0: i32, F: i32, C: i32, length: i32, valid: i32): void {
  const dyPixel = <usize>F << 2;
  const dxPixel = <usize>C << 2;
  const rowStride = <usize>length << 2;
  let a0 = f32x4.splat(0.0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  let dp = source;
  let wp = filterRow + (<usize>j0 << 2);
  for (let f = 0; f < F; f++) {
    const w0 = v128.load(wp);
    const w1 = v128.load(wp, 16);
    let s = v128.load32_splat(dp);
    a0 = madd(s, w0, a0); a1 = madd(s, w1, a1);
    s = v128.load32_splat(dp + dyPixel);
    b0 = madd(s, w0, b0); b1 = madd(s, w1, b1);
    s = v128.load32_splat(dp + dyPixel * 2);
    c0 = madd(s, w0, c0); c1 = madd(s, w1, c1);
    s = v128.load32_splat(dp + dyPixel * 3);
    d0 = madd(s, w0, d0); d1 = madd(s, w1, d1);
    dp += 4;
    wp += rowStride;
  }
  const at = out + (<usize>j0 << 2);
  addLanes8(at, a0, a1, valid);
  addLanes8(at + dxPixel * 2, c0, c1, valid);
  addLanes8(at + dxPixel, b0, b1, valid);
  addLanes8(at + dxPixel * 3, d0, d1, valid);
}

@inline function addLanes8(p: usize, v0: v128, v1: v128, count: i32): void {
  if (count >= 8) {
    v128.store(p, f32x4.add(v128.load(p), v0));
    v128.store(p, f32x4.add(v128.load(p, 16), v1), 16);
    return;
  }
  storeLanes(p, f32x4.add(v128.load(p), v0), count);
  if (count > 4) storeLanes(p + 16, f32x4.add(v128.load(p, 16), v1), count - 4);
}

/**
 * Filter gradient of samples [sampleFrom, sampleTo), 16 filters, an even number of input channels
 * (conv2): two input channels of one tap times 16 filters accumulate over every output pixel.
 */
export function conv2dBackwardFilterChannelPairs(x: usize, dy: usize, partial: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32): void {
  const H = g.inHeight, W = g.inWidth, C = g.inChannels, OH = g.outHeight, OW = g.outWidth;
  const KH = g.filterHeight, KW = g.filterWidth;
  const nextPixel = <usize>C << 2;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      for (let c = 0; c < C; c += 2) {
        let a0 = f32x4.splat(0.0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (let nn = sampleFrom; nn < sampleTo; nn++) {
          for (let oh = 0; oh < OH; oh++) {
            let xp = x + ((<usize>(((nn * H + oh + kh) * W + kw) * C + c)) << 2);
            let dp = dy + ((<usize>((nn * OH + oh) * OW * 16)) << 2);
            for (let ow = 0; ow < OW; ow++) {
              const s = v128.load32_splat(xp);
              const t = v128.load32_splat(xp, 4);
              const d0 = v128.load(dp), d1 = v128.load(dp, 16), d2 = v128.load(dp, 32), d3 = v128.load(dp, 48);
              a0 = madd(s, d0, a0); a1 = madd(s, d1, a1); a2 = madd(s, d2, a2); a3 = madd(s, d3, a3);
              b0 = madd(t, d0, b0); b1 = madd(t, d1, b1); b2 = madd(t, d2, b2); b3 = madd(t, d3, b3);
              xp += nextPixel;
              dp += 64;
            }
          }
        }
        const out = partial + ((<usize>(((kh * KW + kw) * C + c) * 16)) << 2);
        v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
        v128.store(out, b0, 64); v128.store(out, b1, 80); v128.store(out, b2, 96); v128.store(out, b3, 112);
      }
    }
  }
}

/**
 * Filter gradient of samples [sampleFrom, sampleTo), one input channel, 5 filter columns, 5 to 8 filters
 * (conv1). Each tap is a sum over every output pixel of x times 8 filter lanes of dy: one FMA chain per
 * tap and lane vector, so the chains in flight set the speed. A pass takes 4 taps (8 accumulators cover
 * the FMA latency; with two dy vectors and a tap they fit V8's 15 vector registers, where 5 taps
 * spilled): columns 0-3 of each filter row, then column 4 of rows 0-3, then what is left one row at a
 * time (passes of 3 and 2 columns, 6 and 4 chains, were latency bound: 10 passes where this takes 7).
 */
export function conv2dBackwardFilterSingleChannel(x: usize, dy: usize, partial: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32): void {
  const KH = g.filterHeight, F = g.outChannels;
  for (let kh = 0; kh < KH; kh++) filterColumns4(x, dy, partial + ((<usize>(kh * 5 * F)) << 2), g, sampleFrom, sampleTo, kh);
  let kh = 0;
  for (; kh + 4 <= KH; kh += 4) lastColumn4(x, dy, partial + ((<usize>((kh * 5 + 4) * F)) << 2), g, sampleFrom, sampleTo, kh);
  for (; kh < KH; kh++) lastColumn(x, dy, partial + ((<usize>((kh * 5 + 4) * F)) << 2), g, sampleFrom, sampleTo, kh);
}

/** Columns 0-3 of filter row kh, into out (tap (kh, 0)). */
function filterColumns4(x: usize, dy: usize, out: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32, kh: i32): void {
  const H = g.inHeight, W = g.inWidth, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const pixelBytes = <usize>F << 2;
  let a0 = f32x4.splat(0.0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  for (let nn = sampleFrom; nn < sampleTo; nn++) {
    for (let oh = 0; oh < OH; oh++) {
      let xp = x + ((<usize>((nn * H + oh + kh) * W)) << 2);
      let dp = dy + ((<usize>((nn * OH + oh) * OW * F)) << 2);
      for (let ow = 0; ow < OW; ow++) {
        const g0 = v128.load(dp);
        const g1 = v128.load(dp, 16);
        let s = v128.load32_splat(xp);
        a0 = madd(s, g0, a0); a1 = madd(s, g1, a1);
        s = v128.load32_splat(xp, 4);
        b0 = madd(s, g0, b0); b1 = madd(s, g1, b1);
        s = v128.load32_splat(xp, 8);
        c0 = madd(s, g0, c0); c1 = madd(s, g1, c1);
        s = v128.load32_splat(xp, 12);
        d0 = madd(s, g0, d0); d1 = madd(s, g1, d1);
        xp += 4;
        dp += pixelBytes;
      }
    }
  }
  store4Taps(out, pixelBytes, F, a0, a1, b0, b1, c0, c1, d0, d1);
}

/** Column 4 of filter rows kh..kh+3, into out (tap (kh, 4)); those taps lie 5 taps apart. */
function lastColumn4(x: usize, dy: usize, out: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32, kh: i32): void {
  const H = g.inHeight, W = g.inWidth, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const pixelBytes = <usize>F << 2;
  const down = <usize>W << 2;
  let a0 = f32x4.splat(0.0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
  for (let nn = sampleFrom; nn < sampleTo; nn++) {
    for (let oh = 0; oh < OH; oh++) {
      let xp = x + ((<usize>((nn * H + oh + kh) * W + 4)) << 2);
      let dp = dy + ((<usize>((nn * OH + oh) * OW * F)) << 2);
      for (let ow = 0; ow < OW; ow++) {
        const g0 = v128.load(dp);
        const g1 = v128.load(dp, 16);
        let s = v128.load32_splat(xp);
        a0 = madd(s, g0, a0); a1 = madd(s, g1, a1);
        s = v128.load32_splat(xp + down);
        b0 = madd(s, g0, b0); b1 = madd(s, g1, b1);
        s = v128.load32_splat(xp + down * 2);
        c0 = madd(s, g0, c0); c1 = madd(s, g1, c1);
        s = v128.load32_splat(xp + down * 3);
        d0 = madd(s, g0, d0); d1 = madd(s, g1, d1);
        xp += 4;
        dp += pixelBytes;
      }
    }
  }
  const row = pixelBytes * 5;
  v128.store(out, a0); storeLanes(out + 16, a1, F - 4);
  v128.store(out + row, b0); storeLanes(out + row + 16, b1, F - 4);
  v128.store(out + row * 2, c0); storeLanes(out + row * 2 + 16, c1, F - 4);
  v128.store(out + row * 3, d0); storeLanes(out + row * 3 + 16, d1, F - 4);
}

/** Column 4 of filter row kh alone, into out (tap (kh, 4)). */
function lastColumn(x: usize, dy: usize, out: usize, g: ConvGeometry, sampleFrom: i32, sampleTo: i32, kh: i32): void {
  const H = g.inHeight, W = g.inWidth, OH = g.outHeight, OW = g.outWidth, F = g.outChannels;
  const pixelBytes = <usize>F << 2;
  let a0 = f32x4.splat(0.0), a1 = a0;
  for (let nn = sampleFrom; nn < sampleTo; nn++) {
    for (let oh = 0; oh < OH; oh++) {
      let xp = x + ((<usize>((nn * H + oh + kh) * W + 4)) << 2);
      let dp = dy + ((<usize>((nn * OH + oh) * OW * F)) << 2);
      for (let ow = 0; ow < OW; ow++) {
        const s = v128.load32_splat(xp);
        a0 = madd(s, v128.load(dp), a0);
        a1 = madd(s, v128.load(dp, 16), a1);
        xp += 4;
        dp += pixelBytes;
      }
    }
  }
  v128.store(out, a0); storeLanes(out + 16, a1, F - 4);
}

@inline function store4Taps(out: usize, pixelBytes: usize, F: i32, a0: v128, a1: v128, b0: v128, b1: v128, c0: v128, c1: v128, d0: v128, d1: v128): void {
  v128.store(out, a0); storeLanes(out + 16, a1, F - 4);
  v128.store(out + pixelBytes, b0); storeLanes(out + pixelBytes + 16, b1, F - 4);
  v128.store(out + pixelBytes * 2, c0); storeLanes(out + pixelBytes * 2 + 16, c1, F - 4);
  v128.store(out + pixelBytes * 3, d0); storeLanes(out + pixelBytes * 3 + 16, d1, F - 4);
}
