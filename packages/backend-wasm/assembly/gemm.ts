// C = act(op(A) op(B) + bias) on 4x8 register tiles. Element (i, k) of op(A) sits at a + 4 (i ars + k acs),
// element (k, j) of op(B) at b + 4 (k brs + j bcs), so a transposed operand is only other strides. Every
// element of C is one k-ordered sum in one tile, whichever thread computes which tiles.
import { activateRange, biasAt, LINEAR, madd, storeLanes } from './simd';

export const TILE_ROWS: i32 = 4;
export const TILE_COLUMNS: i32 = 8;

/** Floats of per-thread scratch a panel of B needs: k rows of 8. */
export function matMulScratchFloats(k: i32): i32 {
  return k * TILE_COLUMNS;
}

/**
 * Row blocks [rowFrom, rowTo) times column panels [colFrom, colTo) of C. A panel of B is read in place when
 * its 8 columns are contiguous; otherwise (B transposed, or the ragged last panel) it is first copied,
 * zero-padded, into `scratch`.
 */
export function matMul(
  a: usize, b: usize, bias: usize, c: usize, m: i32, k: i32, n: i32,
  ars: i32, acs: i32, brs: i32, bcs: i32, act: i32,
  rowFrom: i32, rowTo: i32, colFrom: i32, colTo: i32, scratch: usize,
): void {
  for (let p = colFrom; p < colTo; p++) {
    const j0 = p * TILE_COLUMNS;
    const width = min(TILE_COLUMNS, n - j0);
    let panel: usize;
    let panelStride: usize;
    if (bcs == 1 && width == TILE_COLUMNS) {
      panel = b + (<usize>j0 << 2);
      panelStride = <usize>brs << 2;
    } else {
      packPanel(b, brs, bcs, k, j0, width, scratch);
      panel = scratch;
      panelStride = 32;
    }
    const biasOffset = <usize>j0 << 2;
    for (let q = rowFrom; q < rowTo; q++) {
      const i0 = q * TILE_ROWS;
      tile(a, ars, acs, m, i0, k, panel, panelStride, bias, biasOffset, c + ((<usize>i0 * n + j0) << 2), n, width);
    }
  }
  // The activation runs over the chunk's part of each row while it is still in cache.
  if (act == LINEAR) return;
  const columnFrom = colFrom * TILE_COLUMNS, columnTo = min(n, colTo * TILE_COLUMNS);
  const rowEnd = min(m, rowTo * TILE_ROWS);
  for (let i = rowFrom * TILE_ROWS; i < rowEnd; i++) activateRange(c, c, i * n + columnFrom, i * n + columnTo, act);
}

function packPanel(b: usize, brs: i32, bcs: i32, k: i32, j0: i32, width: i32, out: usize): void {
  let kk = 0;
  if (brs == 1 && width == TILE_COLUMNS) {
    // B transposed: the panel's 8 columns are 8 contiguous rows of memory; 4x4 transposes turn 4 floats
    // of each into 4 panel rows (the scalar copy below cost about a third of a small A B^T product).
    const rowBytes = <usize>bcs << 2;
    const first = b + ((<usize>j0 * bcs) << 2);
    for (; kk + 4 <= k; kk += 4) {
      const p = first + (<usize>kk << 2);
      const row = out + (<usize>kk << 5);
      transpose4(row, v128.load(p), v128.load(p + rowBytes), v128.load(p + rowBytes * 2), v128.load(p + rowBytes * 3));
      const q = p + rowBytes * 4;
      transpose4(row + 16, v128.load(q), v128.load(q + rowBytes), v128.load(q + rowBytes * 2), v128.load(q + rowBytes * 3));
    }
  }
  for (; kk < k; kk++) {
    const row = out + (<usize>kk << 5);
    v128.store(row, f32x4.splat(0.0));
    v128.store(row, f32x4.splat(0.0), 16);
    for (let j = 0; j < width; j++) {
      store<f32>(row + (<usize>j << 2), load<f32>(b + ((<usize>kk * brs + <usize>(j0 + j) * bcs) << 2)));
    }
  }
}

/** Stores the transpose of rows v0..v3 as four 4-float rows 32 bytes apart (panel rows) from p. */
@inline function transpose4(p: usize, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(p, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(p, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 32);
  v128.store(p, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 64);
  v128.store(p, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 96);
}

@inline function tile(
  a: usize, ars: i32, acs: i32, m: i32, i0: i32, k: i32,
  panel: usize, panelStride: usize, bias: usize, biasOffset: usize,
  c: usize, n: i32, width: i32,
): void {
  const rows = min(TILE_ROWS, m - i0);
  // Rows past m repeat the last one; they are computed and dropped.
  const rowBytes = <usize>ars << 2;
  let a0 = a + ((<usize>i0 * ars) << 2);
  let a1 = a0 + (rows > 1 ? rowBytes : 0);
  let a2 = a0 + (rows > 2 ? rowBytes * 2 : 0);
  let a3 = a0 + (rows > 3 ? rowBytes * 3 : 0);
  const step = <usize>acs << 2;
  const bias0 = biasAt(bias, biasOffset);
  const bias1 = biasAt(bias, biasOffset + 16);
  let c00 = bias0, c01 = bias1, c10 = bias0, c11 = bias1;
  let c20 = bias0, c21 = bias1, c30 = bias0, c31 = bias1;
  let bp = panel;
  for (let kk = 0; kk < k; kk++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const x0 = v128.load32_splat(a0);
    c00 = madd(x0, b0, c00);
    c01 = madd(x0, b1, c01);
    const x1 = v128.load32_splat(a1);
    c10 = madd(x1, b0, c10);
    c11 = madd(x1, b1, c11);
    const x2 = v128.load32_splat(a2);
    c20 = madd(x2, b0, c20);
    c21 = madd(x2, b1, c21);
    const x3 = v128.load32_splat(a3);
    c30 = madd(x3, b0, c30);
    c31 = madd(x3, b1, c31);
    a0 += step;
    a1 += step;
    a2 += step;
    a3 += step;
    bp += panelStride;
  }
  const rowOut = <usize>n << 2;
  storeRow(c, c00, c01, width);
  if (rows > 1) storeRow(c + rowOut, c10, c11, width);
  if (rows > 2) storeRow(c + rowOut * 2, c20, c21, width);
  if (rows > 3) storeRow(c + rowOut * 3, c30, c31, width);
}

@inline function storeRow(p: usize, v0: v128, v1: v128, width: i32): void {
  if (width == TILE_COLUMNS) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
  } else {
    storeLanes(p, v0, width);
    if (width > 4) storeLanes(p + 16, v1, width - 4);
  }
}
