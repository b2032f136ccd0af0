import { filterGradient3x4, filterGradient4x3, forward3x4, forward4x3, inputGradient4x3 } from './conv-kernels.js';
import { filterGradient12, filterGradient4, inputGradient12, inputGradient4, listByFilter, listPixel, nonZeros } from './conv-sparse.js';
import { activateInto, LINEAR } from './activation.js';
import type { ScratchBuffers } from './scratch.js';

/** The fields of core's Conv2DInfo the kernels read; workers rebuild it from a task's integers. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Index tables of one geometry over zero-padded float64 images, so that the kernels do no division and
 * no bounds test: padded image n starts at n * imageSize; pixel p's window starts at origin[p]; patch
 * element e = (kh, kw, c) lies offset[e] after it. Padding rows and columns hold zeros, so every window
 * is whole.
 */
class ConvLayout {
  private geometry: readonly number[] = [];
  paddedHeight = 0;
  paddedWidth = 0;
  /** Values per padded image. */
  imageSize = 0;
  /** Whether the padded image is the image itself (no padding), so a plain conversion fills it. */
  unpadded = false;
  pixelsPerSample = 0;
  pixels = 0;
  patch = 0;
  /** The patch rounded up to a multiple of 4; offset[] is zero past the patch. */
  paddedPatch = 0;
  origin: Int32Array = new Int32Array(0);
  offset: Int32Array = new Int32Array(0);

  matches(info: ConvGeometry): boolean {
    const g = this.geometry;
    return (
      g.length > 0 &&
      g[0] === info.batch &&
      g[1] === info.inHeight &&
      g[2] === info.inWidth &&
      g[3] === info.inChannels &&
      g[4] === info.outHeight &&
      g[5] === info.outWidth &&
      g[6] === info.outChannels &&
      g[7] === info.filterHeight &&
      g[8] === info.filterWidth &&
      g[9] === info.strideHeight &&
      g[10] === info.strideWidth &&
      g[11] === info.padTop &&
      g[12] === info.padLeft
    );
  }

  fill(info: ConvGeometry): void {
    this.geometry = geometryOf(info);
    const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: KH, filterWidth: KW } = info;
    const Hp = Math.max(H + info.padTop, (outHeight - 1) * info.strideHeight + KH);
    const Wp = Math.max(W + info.padLeft, (outWidth - 1) * info.strideWidth + KW);
    this.paddedHeight = Hp;
    this.paddedWidth = Wp;
    this.imageSize = Hp * Wp * C;
    this.unpadded = Hp === H && Wp === W && info.padTop === 0 && info.padLeft === 0;
    this.pixelsPerSample = outHeight * outWidth;
    this.pixels = batch * this.pixelsPerSample;
    this.patch = KH * KW * C;
    const origin = (this.origin = atLeast(this.origin, this.pixels));
    let p = 0;
    for (let n = 0; n < batch; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++, p++) {
          origin[p] = n * this.imageSize + (oh * info.strideHeight * Wp + ow * info.strideWidth) * C;
        }
      }
    }
    this.paddedPatch = Math.ceil(this.patch / 4) * 4;
    const offset = (this.offset = atLeast(this.offset, this.paddedPatch));
    let e = 0;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let c = 0; c < C; c++, e++) offset[e] = (kh * Wp + kw) * C + c;
      }
    }
    offset.fill(0, this.patch, this.paddedPatch);
  }
}

function geometryOf(info: ConvGeometry): number[] {
  return [
    info.batch,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padTop,
    info.padLeft,
  ];
}

function atLeast(table: Int32Array, size: number): Int32Array {
  return table.length >= size ? table : new Int32Array(size);
}

/** Wasted tile cells when a [rows, cols] result is cut into tiles of tileRows x tileCols. */
function waste(rows: number, cols: number, tileRows: number, tileCols: number): number {
  return Math.ceil(rows / tileRows) * tileRows * Math.ceil(cols / tileCols) * tileCols - rows * cols;
}

/**
 * The three convolution primitives as implicit GEMM (see conv-kernels.ts), each on a part of its output
 * so that threads can share one call. Images are first copied into a zero-padded float64 buffer; the
 * tile shape (4x3 or 3x4) is the one that wastes fewer cells for this geometry.
 */
export class Convolution {
  /** Most recently used first; a LeNet step alternates between two geometries. */
  private readonly layouts: ConvLayout[] = [];

  constructor(private readonly scratch: ScratchBuffers) {}

  /** Samples [sampleStart, sampleEnd) of y[pixels, F] = act(conv(x, filter) + bias); `act` is an activation code. */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    info: ConvGeometry,
    act: number,
    y: Float32Array,
    sampleStart: number,
    sampleEnd: number,
  ): void {
    const t = this.layoutFor(info);
    const images = this.padImages(x, info, t, sampleStart, sampleEnd);
    const filters = info.outChannels;
    const { origin, offset, patch, pixelsPerSample } = t;
    const narrow = waste(t.pixels, filters, 3, 4) < waste(t.pixels, filters, 4, 3);
    const width = narrow ? 4 : 3;
    const w = this.packFilter(filter, patch, filters, width);
    const z = this.scratch.float64('conv.bias', filters + 4);
    for (let f = 0; f < filters + 4; f++) z[f] = bias !== null && f < filters ? bias[f]! : 0;
    // A few samples at a time: their sums stay in cache until the activation pass rounds them into y.
    const block = Math.max(1, Math.floor(FORWARD_BLOCK / (pixelsPerSample * filters)));
    const sums = act === LINEAR ? null : this.scratch.float64('conv.sums', block * pixelsPerSample * filters);
    for (let s0 = sampleStart; s0 < sampleEnd; s0 += block) {
      const p0 = s0 * pixelsPerSample;
      const p1 = Math.min(s0 + block, sampleEnd) * pixelsPerSample;
      const out = sums ?? y;
      const base = sums === null ? 0 : p0 * filters;
      if (narrow) {
        for (let p = p0; p < p1; p += 3) {
          const rows = Math.min(3, p1 - p);
          for (let f0 = 0; f0 < filters; f0 += 4) {
            forward3x4(
              images,
              origin,
              offset,
              patch,
              w,
              f0 * patch,
              p,
              rows,
              out,
              p * filters + f0 - base,
              filters,
              Math.min(4, filters - f0),
              z[f0]!,
              z[f0 + 1]!,
              z[f0 + 2]!,
              z[f0 + 3]!,
            );
          }
        }
      } else {
        for (let p = p0; p < p1; p += 4) {
          const rows = Math.min(4, p1 - p);
          for (let f0 = 0; f0 < filters; f0 += 3) {
            forward4x3(
              images,
              origin,
              offset,
              patch,
              w,
              f0 * patch,
              p,
              rows,
              out,
              p * filters + f0 - base,
              filters,
              Math.min(3, filters - f0),
              z[f0]!,
              z[f0 + 1]!,
              z[f0 + 2]!,
            );
          }
        }
      }
      if (sums !== null) activateInto(sums, y, base, (p1 - p0) * filters, act);
    }
  }

  /**
   * Samples [sampleStart, sampleEnd) of dx = col2im(dy[pixels, F] @ filter^T[F, patch]): each window's
   * gradient added back where it was read, in float64, then rounded once. A sample's windows only touch
   * that sample's dx, and tiles start at each sample's first pixel, so the order of the adds into any
   * element is the same however the batch is split.
   */
  conv2dBackwardInput(dy: Float32Array, filter: Float32Array, info: ConvGeometry, dx: Float32Array, sampleStart: number, sampleEnd: number): void {
    const t = this.layoutFor(info);
    const filters = info.outChannels;
    const { origin, offset, patch, pixelsPerSample, imageSize } = t;
    const samples = sampleEnd - sampleStart;
    const gradients = this.scratch.float64('conv.dx', samples * imageSize);
    gradients.fill(0, 0, samples * imageSize);
    // origin[] counts from image 0; this buffer starts at image sampleStart.
    const shift = -sampleStart * imageSize;
    const shifted = this.shiftedOrigins(origin, sampleStart * pixelsPerSample, sampleEnd * pixelsPerSample, shift);
    let packed: Float64Array | null = null;
    let transposed: Float64Array | null = null;
    const ids = this.scratch.int32('conv.ids', filters);
    const values = this.scratch.float64('conv.values', filters);
    for (let n = 0; n < samples; n++) {
      // Pixel indices from here on count from sample sampleStart, like `shifted`.
      const first = n * pixelsPerSample;
      const from = (sampleStart + n) * pixelsPerSample;
      // Per sample, so that the choice (and with it the order of the adds) never depends on the split.
      if (2 * nonZeros(dy, from * filters, (from + pixelsPerSample) * filters) <= pixelsPerSample * filters) {
        transposed ??= this.transposeFilter(filter, patch, t.paddedPatch, filters);
        for (let q = 0; q < pixelsPerSample; q++) {
          const listed = listPixel(dy, (from + q) * filters, filters, ids, values);
          if (listed === 0) continue;
          const base = shifted[first + q]!;
          let e0 = 0;
          for (; e0 + 12 <= patch; e0 += 12) inputGradient12(ids, values, listed, transposed, t.paddedPatch, e0, gradients, base, offset);
          for (; e0 < patch; e0 += 4) inputGradient4(ids, values, listed, transposed, t.paddedPatch, e0, Math.min(4, patch - e0), gradients, base, offset);
        }
        continue;
      }
      packed ??= this.packFilterByPatch(filter, patch, filters);
      const rows = this.dyRows(dy, filters, filters, from, from + pixelsPerSample);
      for (let q = 0; q < pixelsPerSample; q += 4) {
        const count = Math.min(4, pixelsPerSample - q);
        for (let e0 = 0; e0 < patch; e0 += 3) {
          inputGradient4x3(
            rows,
            q * filters,
            filters,
            filters,
            packed,
            e0 * filters,
            gradients,
            shifted,
            offset,
            first + q,
            count,
            e0,
            Math.min(3, patch - e0),
          );
        }
      }
    }
    this.cropImages(gradients, info, t, dx, sampleStart, sampleEnd);
  }

  /**
   * The filter gradient summed over output pixels [pixelStart, pixelEnd) only, in float64, into
   * partial[offset + e * F + f]: im2col(x)^T[patch, pixels] @ dy[pixels, F]. The caller adds the partial
   * sums of fixed pixel ranges up in a fixed order.
   */
  conv2dBackwardFilterPartial(
    x: Float32Array,
    dy: Float32Array,
    info: ConvGeometry,
    partial: Float64Array,
    offset: number,
    pixelStart: number,
    pixelEnd: number,
  ): void {
    const t = this.layoutFor(info);
    const filters = info.outChannels;
    const firstSample = Math.floor(pixelStart / t.pixelsPerSample);
    const images = this.padImages(x, info, t, firstSample, Math.ceil(pixelEnd / t.pixelsPerSample));
    const { origin, patch } = t;
    const narrow = waste(patch, filters, 3, 4) < waste(patch, filters, 4, 3);
    const count = pixelEnd - pixelStart;
    const origins = this.scratch.int32('conv.origins', filters * count);
    const values = this.scratch.float64('conv.values', filters * count);
    const counts = this.scratch.int32('conv.counts', filters);
    if (2 * listByFilter(dy, filters, origin, pixelStart, pixelEnd, origins, values, counts, count) <= count * filters) {
      const width = t.paddedPatch;
      const sums = this.scratch.float64('conv.sums', filters * width);
      for (let f = 0; f < filters; f++) {
        const start = f * count;
        const end = start + counts[f]!;
        let e0 = 0;
        for (; e0 + 12 <= width; e0 += 12) filterGradient12(images, t.offset, e0, origins, values, start, end, sums, f * width + e0);
        for (; e0 < width; e0 += 4) filterGradient4(images, t.offset, e0, origins, values, start, end, sums, f * width + e0);
      }
      for (let e = 0; e < patch; e++) for (let f = 0; f < filters; f++) partial[offset + e * filters + f] = sums[f * width + e]!;
      return;
    }
    const stride = Math.ceil(filters / (narrow ? 4 : 3)) * (narrow ? 4 : 3);
    const rows = this.dyRows(dy, filters, stride, pixelStart, pixelEnd);
    for (let e0 = 0; e0 < patch; e0 += narrow ? 3 : 4) {
      if (narrow) {
        const n = Math.min(3, patch - e0);
        for (let f0 = 0; f0 < filters; f0 += 4)
          filterGradient3x4(images, origin, t.offset, e0, n, pixelStart, pixelEnd, rows, stride, f0, Math.min(4, filters - f0), partial, offset, filters);
      } else {
        const n = Math.min(4, patch - e0);
        for (let f0 = 0; f0 < filters; f0 += 3)
          filterGradient4x3(images, origin, t.offset, e0, n, pixelStart, pixelEnd, rows, stride, f0, Math.min(3, filters - f0), partial, offset, filters);
      }
    }
  }

  /** Images [first, end) of x as zero-padded float64, at their batch position in a per-thread buffer. */
  private padImages(x: Float32Array, info: ConvGeometry, t: ConvLayout, first: number, end: number): Float64Array {
    const images = this.scratch.float64('conv.x', info.batch * t.imageSize);
    const C = info.inChannels;
    const source = info.inHeight * info.inWidth * C;
    if (t.unpadded) {
      for (let i = first * source, last = end * source; i < last; i++) images[i] = x[i]!;
      return images;
    }
    const rowLength = info.inWidth * C;
    for (let n = first; n < end; n++) {
      const image = n * t.imageSize;
      images.fill(0, image, image + t.imageSize);
      for (let ih = 0; ih < info.inHeight; ih++) {
        const from = n * source + ih * rowLength;
        const to = image + ((ih + info.padTop) * t.paddedWidth + info.padLeft) * C;
        for (let i = 0; i < rowLength; i++) images[to + i] = x[from + i]!;
      }
    }
    return images;
  }

  /** Drops the padding of gradient images (buffer image 0 = sample `first`) and rounds them into dx. */
  private cropImages(images: Float64Array, info: ConvGeometry, t: ConvLayout, dx: Float32Array, first: number, end: number): void {
    const C = info.inChannels;
    const source = info.inHeight * info.inWidth * C;
    if (t.unpadded) {
      for (let i = first * source, j = 0, last = end * source; i < last; i++, j++) dx[i] = images[j]!;
      return;
    }
    const rowLength = info.inWidth * C;
    for (let n = first; n < end; n++) {
      const image = (n - first) * t.imageSize;
      for (let ih = 0; ih < info.inHeight; ih++) {
        const to = n * source + ih * rowLength;
        const from = image + ((ih + info.padTop) * t.paddedWidth + info.padLeft) * C;
        for (let i = 0; i < rowLength; i++) dx[to + i] = images[from + i]!;
      }
    }
  }

  /** dy rows [pixelStart, pixelEnd) as float64 with `stride` values per row (zeros past F). */
  private dyRows(dy: Float32Array, filters: number, stride: number, pixelStart: number, pixelEnd: number): Float64Array {
    const rows = this.scratch.float64('conv.dy', (pixelEnd - pixelStart) * stride);
    for (let p = pixelStart, o = 0; p < pixelEnd; p++, o += stride) {
      const s = p * filters;
      let f = 0;
      for (; f < filters; f++) rows[o + f] = dy[s + f]!;
      for (; f < stride; f++) rows[o + f] = 0;
    }
    return rows;
  }

  /** The filter as float64 panels of `width` filters: (e, f0 + r) at f0 * patch + e * width + r, zeros past F. */
  private packFilter(filter: Float32Array, patch: number, filters: number, width: number): Float64Array {
    const w = this.scratch.float64('conv.w', Math.ceil(filters / width) * width * patch);
    for (let f0 = 0, o = 0; f0 < filters; f0 += width) {
      for (let e = 0; e < patch; e++) {
        for (let r = 0; r < width; r++, o++) w[o] = f0 + r < filters ? filter[e * filters + f0 + r]! : 0;
      }
    }
    return w;
  }

  /** The filter as float64 [e-group][F][3]: (e0 + r, f) at e0 * F + f * 3 + r, zeros past the patch. */
  private packFilterByPatch(filter: Float32Array, patch: number, filters: number): Float64Array {
    const w = this.scratch.float64('conv.w', Math.ceil(patch / 3) * 3 * filters);
    for (let e0 = 0, o = 0; e0 < patch; e0 += 3) {
      for (let f = 0; f < filters; f++) {
        for (let r = 0; r < 3; r++, o++) w[o] = e0 + r < patch ? filter[(e0 + r) * filters + f]! : 0;
      }
    }
    return w;
  }

  /** The filter as float64 [F][width], zeros past the patch. */
  private transposeFilter(filter: Float32Array, patch: number, width: number, filters: number): Float64Array {
    const w = this.scratch.float64('conv.wt', width * filters);
    for (let f = 0; f < filters; f++) {
      for (let e = 0; e < width; e++) w[f * width + e] = e < patch ? filter[e * filters + f]! : 0;
    }
    return w;
  }

  /** origin[] of pixels [start, end) moved by `shift`, indexed from pixel 0 of sample `start`'s image. */
  private shiftedOrigins(origin: Int32Array, start: number, end: number, shift: number): Int32Array {
    const shifted = this.scratch.int32('conv.origin', end - start);
    for (let p = start; p < end; p++) shifted[p - start] = origin[p]! + shift;
    return shifted;
  }

  private layoutFor(info: ConvGeometry): ConvLayout {
    const cache = this.layouts;
    let index = 0;
    while (index < cache.length && !cache[index]!.matches(info)) index++;
    if (index === cache.length) {
      if (cache.length < LAYOUT_CACHE_SIZE) cache.push(new ConvLayout());
      index = cache.length - 1;
      cache[index]!.fill(info);
    }
    const t = cache[index]!;
    for (; index > 0; index--) cache[index] = cache[index - 1]!;
    cache[0] = t;
    return t;
  }
}

const LAYOUT_CACHE_SIZE = 4;
/** Output values per forward block (~128 KiB of float64 sums). */
const FORWARD_BLOCK = 16_384;
