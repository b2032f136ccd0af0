import type { ActivationKind, Conv2DInfo } from '@lenet-ts/core';
import { gemm, MatrixPanels, PANEL, type PanelSource } from './gemm.js';
import type { ScratchBuffers } from './scratch.js';

/**
 * Index tables of one convolution, filled once per call so that the im2col loops do no division:
 * for each output pixel p the flat x index of its window origin (n, ih0, iw0, 0), that origin's row and
 * column, and whether the window lies wholly inside the image; for each patch element e = (kh, kw, c)
 * its offset from the origin. Inside windows read x[origin[p] + offset[e]] without bounds checks.
 */
class ConvTables {
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

  fill(info: Conv2DInfo, scratch: ScratchBuffers): void {
    const { batch, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, filterHeight: KH, filterWidth: KW } = info;
    this.inHeight = H;
    this.inWidth = W;
    this.pixels = batch * outHeight * outWidth;
    this.patch = KH * KW * C;
    const origin = (this.origin = scratch.int32('conv.origin', this.pixels));
    const top = (this.top = scratch.int32('conv.top', this.pixels));
    const left = (this.left = scratch.int32('conv.left', this.pixels));
    const inside = (this.inside = scratch.int32('conv.inside', this.pixels));
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
    const offset = (this.offset = scratch.int32('conv.offset', this.patch));
    const patchRow = (this.patchRow = scratch.int32('conv.patchRow', this.patch));
    const patchCol = (this.patchCol = scratch.int32('conv.patchCol', this.patch));
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

/** im2col of x as GEMM operand A: rows are output pixels, depth runs over the patch (kh, kw, c). */
class Im2colPanels implements PanelSource {
  x: Float32Array = new Float32Array(0);
  constructor(private readonly t: ConvTables) {}

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
        const base = origin[p]!;
        for (let kk = 0; kk < kc; kk++) {
          const e = k0 + kk;
          dst[o + kk * PANEL + r] = p < rowEnd && t.onImage(p, e) ? x[base + offset[e]!]! : 0;
        }
      }
    }
  }
}

/** (im2col of x)^T as GEMM operand A: rows are patch elements, depth runs over output pixels. */
class Im2colTransposedPanels implements PanelSource {
  x: Float32Array = new Float32Array(0);
  constructor(private readonly t: ConvTables) {}

  packPanels(dst: Float32Array, row0: number, rowEnd: number, k0: number, kc: number): void {
    const { x, t } = this;
    const { origin, inside, offset } = t;
    let o = 0;
    for (let e0 = row0; e0 < rowEnd; e0 += PANEL) {
      const valid = Math.min(PANEL, rowEnd - e0);
      const off0 = offset[e0]!;
      const off1 = valid > 1 ? offset[e0 + 1]! : 0;
      const off2 = valid > 2 ? offset[e0 + 2]! : 0;
      const off3 = valid > 3 ? offset[e0 + 3]! : 0;
      for (let kk = 0; kk < kc; kk++, o += PANEL) {
        const p = k0 + kk;
        const base = origin[p]!;
        if (valid === PANEL && inside[p] === 1) {
          dst[o] = x[base + off0]!;
          dst[o + 1] = x[base + off1]!;
          dst[o + 2] = x[base + off2]!;
          dst[o + 3] = x[base + off3]!;
        } else {
          for (let r = 0; r < PANEL; r++) {
            const e = e0 + r;
            dst[o + r] = r < valid && t.onImage(p, e) ? x[base + offset[e]!]! : 0;
          }
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
  private readonly tables = new ConvTables();
  private readonly im2col = new Im2colPanels(this.tables);
  private readonly im2colTransposed = new Im2colTransposedPanels(this.tables);
  private readonly left = new MatrixPanels();
  private readonly right = new MatrixPanels();

  constructor(private readonly scratch: ScratchBuffers) {}

  /** y[pixels, F] = act(im2col(x)[pixels, patch] @ filter[patch, F] + bias). */
  forward(x: Float32Array, filter: Float32Array, bias: Float32Array | null, info: Conv2DInfo, activation: ActivationKind, y: Float32Array): void {
    const t = this.tables;
    t.fill(info, this.scratch);
    this.im2col.x = x;
    const f = info.outChannels;
    gemm(t.pixels, f, t.patch, this.im2col, this.right.set(filter, f, t.patch, true), y, bias, activation, this.scratch);
  }

  /** dx = col2im(dy[pixels, F] @ filter^T[F, patch]): each window's gradient added back where it was read. */
  backwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo, dx: Float32Array): void {
    const t = this.tables;
    t.fill(info, this.scratch);
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
    const t = this.tables;
    t.fill(info, this.scratch);
    this.im2colTransposed.x = x;
    const f = info.outChannels;
    gemm(t.patch, f, t.pixels, this.im2colTransposed, this.right.set(dy, f, t.pixels, true), dfilter, null, 'linear', this.scratch);
  }
}
