import type { ActivationKind } from '@lenet-ts/core';
import { applyBiasActivation } from './activation.js';
import type { ScratchBuffers } from './scratch.js';

/** Rows of A and columns of B per micro-kernel tile (a 4x4 block of accumulators). */
export const PANEL = 4;
/** Depth of one pass over K; packed panels of this depth stay in L1/L2 while the tile loop runs. */
export const DEPTH_BLOCK = 256;
/** Rows of A packed per call (a multiple of PANEL): amortises the packing call and its table loads. */
export const ROW_BLOCK = 64;

/**
 * One GEMM operand seen as a [rows, depth] matrix (A as is, B as B^T) that copies blocks of itself into
 * the k-major panel layout the micro-kernel reads: dst[(panel * kc + kk) * PANEL + r] = op[row0 + panel * PANEL + r, k0 + kk],
 * zero for rows past `rowEnd`. Convolution supplies im2col views through the same interface.
 */
export interface PanelSource {
  packPanels(dst: Float32Array, row0: number, rowEnd: number, k0: number, kc: number): void;
}

/**
 * A dense row-major matrix viewed as a PanelSource. `depthMajor` says the data is stored [depth, rows]
 * (A used transposed, or B used as is), otherwise [rows, depth].
 */
export class MatrixPanels implements PanelSource {
  data: Float32Array = new Float32Array(0);
  rows = 0;
  depth = 0;
  depthMajor = false;

  set(data: Float32Array, rows: number, depth: number, depthMajor: boolean): this {
    this.data = data;
    this.rows = rows;
    this.depth = depth;
    this.depthMajor = depthMajor;
    return this;
  }

  packPanels(dst: Float32Array, row0: number, rowEnd: number, k0: number, kc: number): void {
    const data = this.data;
    let o = 0;
    for (let i0 = row0; i0 < rowEnd; i0 += PANEL) {
      const valid = Math.min(PANEL, rowEnd - i0);
      if (this.depthMajor) {
        const ld = this.rows;
        let s = k0 * ld + i0;
        if (valid === PANEL) {
          for (let kk = 0; kk < kc; kk++, s += ld, o += PANEL) {
            dst[o] = data[s]!;
            dst[o + 1] = data[s + 1]!;
            dst[o + 2] = data[s + 2]!;
            dst[o + 3] = data[s + 3]!;
          }
        } else {
          for (let kk = 0; kk < kc; kk++, s += ld, o += PANEL) {
            for (let r = 0; r < PANEL; r++) dst[o + r] = r < valid ? data[s + r]! : 0;
          }
        }
      } else {
        const ld = this.depth;
        if (valid === PANEL) {
          // Depth outer, four rows inner: contiguous writes (a row-outer loop strides them and is ~4x slower).
          const s0 = i0 * ld + k0, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
          for (let kk = 0; kk < kc; kk++, o += PANEL) {
            dst[o] = data[s0 + kk]!;
            dst[o + 1] = data[s1 + kk]!;
            dst[o + 2] = data[s2 + kk]!;
            dst[o + 3] = data[s3 + kk]!;
          }
        } else {
          for (let kk = 0; kk < kc; kk++, o += PANEL) {
            for (let r = 0; r < PANEL; r++) dst[o + r] = r < valid ? data[(i0 + r) * ld + k0 + kk]! : 0;
          }
        }
      }
    }
  }
}

/**
 * c[rowStart..rowEnd, 0..n) = act(A B + bias) for A: [m, k] and B: [k, n] given as PanelSources (B as B^T).
 * `rowStart` must be a multiple of PANEL; splitting [0, m) into row ranges splits the work (e.g. across
 * workers) without changing any result bit, because each output element is summed in the same order.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: PanelSource,
  b: PanelSource,
  c: Float32Array,
  bias: Float32Array | null,
  activation: ActivationKind,
  scratch: ScratchBuffers,
  rowStart = 0,
  rowEnd = m,
): void {
  const bPanels = Math.ceil(n / PANEL);
  const blockDepth = Math.min(k, DEPTH_BLOCK);
  const packedB = scratch.float32('gemm.b', bPanels * PANEL * blockDepth);
  const packedA = scratch.float32('gemm.a', ROW_BLOCK * blockDepth);
  for (let k0 = 0; k0 < k; k0 += DEPTH_BLOCK) {
    const kc = Math.min(DEPTH_BLOCK, k - k0);
    const accumulate = k0 > 0;
    const last = k0 + kc >= k;
    const panelSize = kc * PANEL;
    b.packPanels(packedB, 0, n, k0, kc);
    for (let r0 = rowStart; r0 < rowEnd; r0 += ROW_BLOCK) {
      const r1 = Math.min(r0 + ROW_BLOCK, rowEnd);
      a.packPanels(packedA, r0, r1, k0, kc);
      for (let i0 = r0, aOffset = 0; i0 < r1; i0 += PANEL, aOffset += panelSize) {
        const rows = Math.min(PANEL, r1 - i0);
        for (let p = 0, bOffset = 0; p < bPanels; p++, bOffset += panelSize) {
          const j0 = p * PANEL;
          const cols = Math.min(PANEL, n - j0);
          if (cols > 2) microKernel(packedA, aOffset, packedB, bOffset, kc, c, i0 * n + j0, n, rows, cols, accumulate);
          else narrowKernel(packedA, aOffset, packedB, bOffset, kc, c, i0 * n + j0, n, rows, cols, accumulate);
        }
      }
      if (last) applyBiasActivation(c, r0, r1, n, bias, activation);
    }
  }
}

/** A 4x4 tile of C from one A panel and one B panel of depth kc; 16 accumulators live in registers. */
function microKernel(
  ap: Float32Array,
  aOffset: number,
  bp: Float32Array,
  bOffset: number,
  kc: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  const end = aOffset + kc * PANEL;
  for (let pa = aOffset, pb = bOffset; pa < end; pa += PANEL, pb += PANEL) {
    const b0 = bp[pb]!, b1 = bp[pb + 1]!, b2 = bp[pb + 2]!, b3 = bp[pb + 3]!;
    let a = ap[pa]!;
    c00 += a * b0; c01 += a * b1; c02 += a * b2; c03 += a * b3;
    a = ap[pa + 1]!;
    c10 += a * b0; c11 += a * b1; c12 += a * b2; c13 += a * b3;
    a = ap[pa + 2]!;
    c20 += a * b0; c21 += a * b1; c22 += a * b2; c23 += a * b3;
    a = ap[pa + 3]!;
    c30 += a * b0; c31 += a * b1; c32 += a * b2; c33 += a * b3;
  }
  if (rows === PANEL && cols === PANEL && !accumulate) {
    let o = cOffset;
    c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03;
    o += ldc;
    c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13;
    o += ldc;
    c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23;
    o += ldc;
    c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    return;
  }
  storeRow(c, cOffset, cols, accumulate, c00, c01, c02, c03);
  if (rows > 1) storeRow(c, cOffset + ldc, cols, accumulate, c10, c11, c12, c13);
  if (rows > 2) storeRow(c, cOffset + 2 * ldc, cols, accumulate, c20, c21, c22, c23);
  if (rows > 3) storeRow(c, cOffset + 3 * ldc, cols, accumulate, c30, c31, c32, c33);
}

/** The 4x2 variant for a last B panel of one or two columns (e.g. 6 filters): skips the zero columns. */
function narrowKernel(
  ap: Float32Array,
  aOffset: number,
  bp: Float32Array,
  bOffset: number,
  kc: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
  const end = aOffset + kc * PANEL;
  for (let pa = aOffset, pb = bOffset; pa < end; pa += PANEL, pb += PANEL) {
    const b0 = bp[pb]!, b1 = bp[pb + 1]!;
    const a0 = ap[pa]!, a1 = ap[pa + 1]!, a2 = ap[pa + 2]!, a3 = ap[pa + 3]!;
    c00 += a0 * b0; c01 += a0 * b1;
    c10 += a1 * b0; c11 += a1 * b1;
    c20 += a2 * b0; c21 += a2 * b1;
    c30 += a3 * b0; c31 += a3 * b1;
  }
  storeRow(c, cOffset, cols, accumulate, c00, c01, 0, 0);
  if (rows > 1) storeRow(c, cOffset + ldc, cols, accumulate, c10, c11, 0, 0);
  if (rows > 2) storeRow(c, cOffset + 2 * ldc, cols, accumulate, c20, c21, 0, 0);
  if (rows > 3) storeRow(c, cOffset + 3 * ldc, cols, accumulate, c30, c31, 0, 0);
}

/** Edge tiles and later depth blocks: write (or add) only the columns that exist. */
function storeRow(c: Float32Array, o: number, cols: number, accumulate: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (accumulate) {
    c[o] = c[o]! + v0;
    if (cols > 1) c[o + 1] = c[o + 1]! + v1;
    if (cols > 2) c[o + 2] = c[o + 2]! + v2;
    if (cols > 3) c[o + 3] = c[o + 3]! + v3;
  } else {
    c[o] = v0;
    if (cols > 1) c[o + 1] = v1;
    if (cols > 2) c[o + 2] = v2;
    if (cols > 3) c[o + 3] = v3;
  }
}
