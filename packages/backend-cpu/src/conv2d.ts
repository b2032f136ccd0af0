import type { ActivationKind, Conv2DInfo } from '@lenet-ts/core';
import { gemm, MatrixPanels, PANEL, type PanelSource } from './gemm.js';
import type { ScratchBuffers } from './scratch.js';

/**
 * Index tables of one convolution geometry, so that the im2col loops do no division:
 * for each output pixel p the flat x index of its window origin (n, ih0, iw0, 0), that origin's row and
 * column, and whether the window lies wholly inside the image; for each patch element e = (kh, kw, c)
 * its offset from the origin. Inside windows read x[origin[p] + offset[e]] without bounds checks.
 */
class ConvTables {
  private geometry: readonly number[] = [];
  inHeight = 0;
  inWidth = 0;
  pixels = 0;
  patch = 0;
  origin: Int32Array = new Int32Array(0);
  top: Int32Array = new Int32Array(0);
  left: Int32Array = new Int32Array(0);
  inside: Int32Array = new Int32Array(0);
  offset: Int32Array = new Int32Array(0);
  patchRow: Int32Array = new Int32Array(0);
  patchCol: Int32Array = new Int32Array(0);

  matches(info: Conv2DInfo): boolean {
    const g = this.geometry;
    return (
      g.length > 0 &&
      g[0] === info.batch && g[1] === info.inHeight && g[2] === info.inWidth && g[3] === info.inChannels &&
      g[4] === info.outHeight && g[5] === info.outWidth && g[6] === info.outChannels &&
      g[7] === info.filterHeight && g[8] === info.filterWidth && g[9] === info.strideHeight &&
      g[10] === info.strideWidth && g[11] === info.padTop && g[12] === info.padLeft
    );
  }

  fill(info: Conv2DInfo): void {
    this.geometry = geometryOf(info);
    const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: KH, filterWidth: KW } = info;
    this.inHeight = H;
    this.inWidth = W;
    this.pixels = batch * outHeight * outWidth;
    this.patch = KH * KW * C;
    const origin = (this.origin = atLeast(this.origin, this.pixels));
    const top = (this.top = atLeast(this.top, this.pixels));
    const left = (this.left = atLeast(this.left, this.pixels));
    const inside = (this.inside = atLeast(this.inside, this.pixels));
    let p = 0;
    for (let n = 0; n < batch; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const ih = oh * info.strideHeight - info.padTop;
        for (let ow = 0; ow < outWidth; ow++, p++) {
          const iw = ow * info.strideWidth - info.padLeft;
          origin[p] = ((n * H + ih) * W + iw) * C;
          top[p] = ih;
          left[p] = iw;
          inside[p] = ih >= 0 && ih + KH <= H && iw >= 0 && iw + KW <= W ? 1 : 0;
        }
      }
    }
    const offset = (this.offset = atLeast(this.offset, this.patch));
    const patchRow = (this.patchRow = atLeast(this.patchRow, this.patch));
    const patchCol = (this.patchCol = atLeast(this.patchCol, this.patch));
    let e = 0;
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let c = 0; c < C; c++, e++) {
          offset[e] = (kh * W + kw) * C + c;
          patchRow[e] = kh;
          patchCol[e] = kw;
        }
      }
    }
  }

  /** Whether patch element e of pixel p's window falls on the image rather than on padding. */
  onImage(p: number, e: number): boolean {
    const ih = this.top[p]! + this.patchRow[e]!;
    const iw = this.left[p]! + this.patchCol[e]!;
    return ih >= 0 && ih < this.inHeight && iw >= 0 && iw < this.inWidth;
  }
}

function geometryOf(info: Conv2DInfo): number[] {
  return [
    info.batch, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padTop, info.padLeft,
  ];
}

function atLeast(table: Int32Array, size: number): Int32Array {
  return table.length >= size ? table : new Int32Array(size);
}

/** im2col of x as GEMM operand A: rows are output pixels, depth runs over the patch (kh, kw, c). */
class Im2colPanels implements PanelSource {
  x: Float32Array = new Float32Array(0);
  t = new ConvTables();

  packPanels(dst: Float32Array, row0: number, rowEnd: number, k0: number, kc: number): void {
    const { x, t } = this;
    const { origin, inside, offset } = t;
    for (let i0 = row0, o = 0; i0 < rowEnd; i0 += PANEL, o += kc * PANEL) {
      if (i0 + PANEL <= rowEnd && inside[i0] === 1 && inside[i0 + 1] === 1 && inside[i0 + 2] === 1 && inside[i0 + 3] === 1) {
        // Depth outer, four windows inner: contiguous writes and one table load per patch element.
        const base0 = origin[i0]!, base1 = origin[i0 + 1]!, base2 = origin[i0 + 2]!, base3 = origin[i0 + 3]!;
        for (let kk = 0, d = o; kk < kc; kk++, d += PANEL) {
          const off = offset[k0 + kk]!;
          dst[d] = x[base0 + off]!;
          dst[d + 1] = x[base1 + off]!;
          dst[d + 2] = x[base2 + off]!;
          dst[d + 3] = x[base3 + off]!;
        }
        continue;
      }
      for (let r = 0; r < PANEL; r++) {
        const p = i0 + r;
        if (p >= rowEnd) {
          for (let kk = 0; kk < kc; kk++) dst[o + kk * PANEL + r] = 0;
          continue;
        }
        const base = origin[p]!;
        for (let kk = 0; kk < kc; kk++) {
          const e = k0 + kk;
          dst[o + kk * PANEL + r] = t.onImage(p, e) ? x[base + offset[e]!]! : 0;
        }
      }
    }
  }
}

/** (im2col of x)^T as GEMM operand A: rows are patch elements, depth runs over output pixels. */
class Im2colTransposedPanels implements PanelSource {
  x: Float32Array = new Float32Array(0);
  t = new ConvTables();

  packPanels(dst: Float32Array, row0: number, rowEnd: number, k0: number, kc: number): void {
    const { x, t } = this;
    const { origin, inside, offset } = t;
    const panelSize = kc * PANEL;
    const rows = rowEnd - row0;
    const fullRows = rows - (rows % PANEL);
    // Pixels outer so that each window origin is loaded once for all patch rows of this block.
    for (let kk = 0; kk < kc; kk++) {
      const p = k0 + kk;
      const base = origin[p]!;
      let q = 0;
      let d = kk * PANEL;
      if (inside[p] === 1) {
        for (; q < fullRows; q += PANEL, d += panelSize) {
          const e = row0 + q;
          dst[d] = x[base + offset[e]!]!;
          dst[d + 1] = x[base + offset[e + 1]!]!;
          dst[d + 2] = x[base + offset[e + 2]!]!;
          dst[d + 3] = x[base + offset[e + 3]!]!;
        }
      }
      for (; q < rows; q += PANEL, d += panelSize) {
        for (let r = 0; r < PANEL; r++) {
          const e = row0 + q + r;
          dst[d + r] = e < rowEnd && t.onImage(p, e) ? x[base + offset[e]!]! : 0;
        }
      }
    }
  }
}

/**
 * The three convolution primitives as im2col + GEMM. The im2col matrix is never materialised for the
 * forward pass or the filter gradient: the GEMM packs its panels straight from x.
 */
export class Convolution {
  /** Most recently used first; a LeNet step alternates between two geometries. */
  private readonly tables: ConvTables[] = [];
  private readonly im2col = new Im2colPanels();
  private readonly im2colTransposed = new Im2colTransposedPanels();
  private readonly left = new MatrixPanels();
  private readonly right = new MatrixPanels();

  constructor(private readonly scratch: ScratchBuffers) {}

  /** y[pixels, F] = act(im2col(x)[pixels, patch] @ filter[patch, F] + bias). */
  forward(x: Float32Array, filter: Float32Array, bias: Float32Array | null, info: Conv2DInfo, activation: ActivationKind, y: Float32Array): void {
    const t = this.tablesFor(info);
    this.im2col.x = x;
    this.im2col.t = t;
    const f = info.outChannels;
    gemm(t.pixels, f, t.patch, this.im2col, this.right.set(filter, f, t.patch, true), y, bias, activation, this.scratch);
  }

  /** dx = col2im(dy[pixels, F] @ filter^T[F, patch]): each window's gradient added back where it was read. */
  backwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo, dx: Float32Array): void {
    const t = this.tablesFor(info);
    const f = info.outChannels;
    const { pixels, patch, origin, inside, offset } = t;
    const columns = this.scratch.float32('conv.columns', pixels * patch);
    gemm(pixels, patch, f, this.left.set(dy, pixels, f, false), this.right.set(filter, patch, f, false), columns, null, 'linear', this.scratch);
    for (let p = 0, s = 0; p < pixels; p++, s += patch) {
      const base = origin[p]!;
      if (inside[p] === 1) {
        for (let e = 0; e < patch; e++) {
          const i = base + offset[e]!;
          dx[i] = dx[i]! + columns[s + e]!;
        }
      } else {
        for (let e = 0; e < patch; e++) {
          if (!t.onImage(p, e)) continue;
          const i = base + offset[e]!;
          dx[i] = dx[i]! + columns[s + e]!;
        }
      }
    }
  }

  /** dfilter[patch, F] = im2col(x)^T[patch, pixels] @ dy[pixels, F]. */
  backwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo, dfilter: Float32Array): void {
    const t = this.tablesFor(info);
    this.im2colTransposed.x = x;
    this.im2colTransposed.t = t;
    const f = info.outChannels;
    gemm(t.patch, f, t.pixels, this.im2colTransposed, this.right.set(dy, f, t.pixels, true), dfilter, null, 'linear', this.scratch);
  }

  private tablesFor(info: Conv2DInfo): ConvTables {
    const cache = this.tables;
    let index = 0;
    while (index < cache.length && !cache[index]!.matches(info)) index++;
    if (index === cache.length) {
      if (cache.length < TABLE_CACHE_SIZE) cache.push(new ConvTables());
      index = cache.length - 1;
      cache[index]!.fill(info);
    }
    const t = cache[index]!;
    for (; index > 0; index--) cache[index] = cache[index - 1]!;
    cache[0] = t;
    return t;
  }
}

const TABLE_CACHE_SIZE = 4;
