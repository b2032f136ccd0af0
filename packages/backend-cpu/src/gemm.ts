import type { ActivationKind } from '@lenet-ts/core';
import { applyBiasActivation } from './activation.js';
import type { ScratchBuffers } from './scratch.js';

/**
 * Rows of A and columns of B per micro-kernel tile. 4x3 keeps the 12 accumulators, 3 B values and one
 * A value in the 16 registers x64 has; 4x4 spills and measured ~15% slower in V8.
 */
export const MR = 4;
export const NR = 3;
/** Depth of one pass over K; the packed panels of this depth stay in L1/L2 while the tile loop runs. */
export const DEPTH_BLOCK = 256;
/** Rows of A packed per pass (a multiple of MR): amortises the packing call. */
export const ROW_BLOCK = 64;

/**
 * One GEMM operand seen as a [rows, depth] matrix (A as is, B as B^T) that copies blocks of itself into
 * the k-major panel layout the micro-kernel reads, converted to float64 once here rather than on every
 * multiply: dst[(panel * kc + kk) * width + r] = op[row0 + panel * width + r, k0 + kk], zero for rows
 * at or past `rowEnd`. Convolution supplies im2col views through the same interface.
 */
export interface PanelSource {
  packPanels(dst: Float64Array, row0: number, rowEnd: number, k0: number, kc: number, width: number): void;
}

/** The part of C = A B one call computes: rows, columns, and the slice of the summed dimension. */
export interface GemmRange {
  rowStart: number;
  rowEnd: number;
  colStart: number;
  colEnd: number;
  kStart: number;
  kEnd: number;
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

  packPanels(dst: Float64Array, row0: number, rowEnd: number, k0: number, kc: number, width: number): void {
    const data = this.data;
    let o = 0;
    for (let i0 = row0; i0 < rowEnd; i0 += width) {
      const valid = Math.min(width, rowEnd - i0);
      if (this.depthMajor) {
        // A panel's rows are adjacent in memory: one short contiguous run per depth step.
        const ld = this.rows;
        for (let kk = 0, s = k0 * ld + i0; kk < kc; kk++, s += ld, o += width) {
          let r = 0;
          for (; r < valid; r++) dst[o + r] = data[s + r]!;
          for (; r < width; r++) dst[o + r] = 0;
        }
      } else if (valid === 4 && width === 4) {
        // Depth outer, rows inner: contiguous writes (a row-outer loop strides them and is ~4x slower).
        const ld = this.depth;
        const s0 = i0 * ld + k0,
          s1 = s0 + ld,
          s2 = s1 + ld,
          s3 = s2 + ld;
        for (let kk = 0; kk < kc; kk++, o += 4) {
          dst[o] = data[s0 + kk]!;
          dst[o + 1] = data[s1 + kk]!;
          dst[o + 2] = data[s2 + kk]!;
          dst[o + 3] = data[s3 + kk]!;
        }
      } else if (valid === 3 && width === 3) {
        const ld = this.depth;
        const s0 = i0 * ld + k0,
          s1 = s0 + ld,
          s2 = s1 + ld;
        for (let kk = 0; kk < kc; kk++, o += 3) {
          dst[o] = data[s0 + kk]!;
          dst[o + 1] = data[s1 + kk]!;
          dst[o + 2] = data[s2 + kk]!;
        }
      } else {
        const ld = this.depth;
        for (let kk = 0; kk < kc; kk++, o += width) {
          for (let r = 0; r < width; r++) dst[o + r] = r < valid ? data[(i0 + r) * ld + k0 + kk]! : 0;
        }
      }
    }
  }
}

/**
 * c[cOffset + i*ldc + j] = act(sum over k in [kStart, kEnd) of A[i,k] B[k,j] + bias[j]) for the rows and
 * columns of `range`, A and B given as PanelSources (B as B^T). Every element is summed in the same
 * order whatever the range, so splitting rows or columns across threads changes no bit. Sums run in
 * float64 per depth block; a float32 `c` is rounded after each block, a float64 `c` (K-split partial
 * sums) is not. Bias and activation apply after the last block.
 */
export function gemm(
  a: PanelSource,
  b: PanelSource,
  c: Float32Array | Float64Array,
  cOffset: number,
  ldc: number,
  range: GemmRange,
  bias: Float32Array | null,
  activation: ActivationKind,
  scratch: ScratchBuffers,
): void {
  const { rowStart, rowEnd, colStart, colEnd, kStart, kEnd } = range;
  if (rowStart >= rowEnd || colStart >= colEnd) return;
  const cols = colEnd - colStart;
  const bPanels = Math.ceil(cols / NR);
  const blockDepth = Math.min(kEnd - kStart, DEPTH_BLOCK);
  const packedB = scratch.float64('gemm.b', bPanels * NR * blockDepth);
  const packedA = scratch.float64('gemm.a', ROW_BLOCK * blockDepth);
  for (let k0 = kStart; k0 < kEnd; k0 += DEPTH_BLOCK) {
    const kc = Math.min(DEPTH_BLOCK, kEnd - k0);
    const accumulate = k0 > kStart;
    const last = k0 + kc >= kEnd;
    b.packPanels(packedB, colStart, colEnd, k0, kc, NR);
    for (let r0 = rowStart; r0 < rowEnd; r0 += ROW_BLOCK) {
      const r1 = Math.min(r0 + ROW_BLOCK, rowEnd);
      a.packPanels(packedA, r0, r1, k0, kc, MR);
      for (let i0 = r0, aOffset = 0; i0 < r1; i0 += MR, aOffset += kc * MR) {
        const rows = Math.min(MR, r1 - i0);
        const rowOffset = cOffset + i0 * ldc;
        for (let j0 = colStart, bOffset = 0; j0 < colEnd; j0 += NR, bOffset += kc * NR) {
          microKernel(packedA, aOffset, packedB, bOffset, kc, c, rowOffset + j0, ldc, rows, Math.min(NR, colEnd - j0), accumulate);
        }
      }
      if (last && (bias !== null || activation !== 'linear')) {
        applyBiasActivation(c as Float32Array, cOffset, ldc, r0, r1, colStart, colEnd, bias, activation);
      }
    }
  }
}

/** A 4x3 tile of C from one A panel and one B panel of depth kc; the 12 sums live in registers. */
function microKernel(
  ap: Float64Array,
  aOffset: number,
  bp: Float64Array,
  bOffset: number,
  kc: number,
  c: Float32Array | Float64Array,
  cOffset: number,
  ldc: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0;
  const end = aOffset + kc * MR;
  for (let pa = aOffset, pb = bOffset; pa < end; pa += MR, pb += NR) {
    const b0 = bp[pb]!,
      b1 = bp[pb + 1]!,
      b2 = bp[pb + 2]!;
    let a = ap[pa]!;
    c00 += a * b0;
    c01 += a * b1;
    c02 += a * b2;
    a = ap[pa + 1]!;
    c10 += a * b0;
    c11 += a * b1;
    c12 += a * b2;
    a = ap[pa + 2]!;
    c20 += a * b0;
    c21 += a * b1;
    c22 += a * b2;
    a = ap[pa + 3]!;
    c30 += a * b0;
    c31 += a * b1;
    c32 += a * b2;
  }
  if (rows === MR && cols === NR && !accumulate) {
    let o = cOffset;
    c[o] = c00;
    c[o + 1] = c01;
    c[o + 2] = c02;
    o += ldc;
    c[o] = c10;
    c[o + 1] = c11;
    c[o + 2] = c12;
    o += ldc;
    c[o] = c20;
    c[o + 1] = c21;
    c[o + 2] = c22;
    o += ldc;
    c[o] = c30;
    c[o + 1] = c31;
    c[o + 2] = c32;
    return;
  }
  storeRow(c, cOffset, cols, accumulate, c00, c01, c02);
  if (rows > 1) storeRow(c, cOffset + ldc, cols, accumulate, c10, c11, c12);
  if (rows > 2) storeRow(c, cOffset + 2 * ldc, cols, accumulate, c20, c21, c22);
  if (rows > 3) storeRow(c, cOffset + 3 * ldc, cols, accumulate, c30, c31, c32);
}

/** Edge tiles and later depth blocks: write (or add) only the columns that exist. */
function storeRow(c: Float32Array | Float64Array, o: number, cols: number, accumulate: boolean, v0: number, v1: number, v2: number): void {
  if (accumulate) {
    c[o] = c[o]! + v0;
    if (cols > 1) c[o + 1] = c[o + 1]! + v1;
    if (cols > 2) c[o + 2] = c[o + 2]! + v2;
  } else {
    c[o] = v0;
    if (cols > 1) c[o + 1] = v1;
    if (cols > 2) c[o + 2] = v2;
  }
}
