/**
 * Register-blocked convolution tiles over a zero-padded float64 copy of the images (`x`), read through
 * index tables: pixel p's window starts at x[origin[p]] and its patch element e sits `offset[e]` further.
 * This is im2col + GEMM without the im2col matrix or any packing: each tile keeps 12 float64 sums in
 * registers (a 4x3 or 3x4 block, which fits x64's 16 vector registers with the operands; 4x4 spills).
 *
 * A tile's `rows`/`cols` may be short at an edge: the missing rows read a valid neighbour and missing
 * columns read zero padding, and neither is stored.
 */

/**
 * 4 pixels x 3 filters of conv + bias into out[o + r * filters + c] (the activation is applied by the
 * caller in a pass of its own: inlined into these kernels it would not be); w is packed [patch][3].
 */
export function forward4x3(
  x: Float64Array,
  origin: Int32Array,
  offset: Int32Array,
  patch: number,
  w: Float64Array,
  wOffset: number,
  p: number,
  rows: number,
  out: Float32Array | Float64Array,
  o: number,
  filters: number,
  cols: number,
  z0: number,
  z1: number,
  z2: number,
): void {
  const b0 = origin[p]!,
    b1 = origin[p + (rows > 1 ? 1 : 0)]!,
    b2 = origin[p + (rows > 2 ? 2 : 0)]!,
    b3 = origin[p + (rows > 3 ? 3 : 0)]!;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0;
  for (let e = 0, o = wOffset; e < patch; e++, o += 3) {
    const off = offset[e]!;
    const w0 = w[o]!,
      w1 = w[o + 1]!,
      w2 = w[o + 2]!;
    let a = x[b0 + off]!;
    c00 += a * w0;
    c01 += a * w1;
    c02 += a * w2;
    a = x[b1 + off]!;
    c10 += a * w0;
    c11 += a * w1;
    c12 += a * w2;
    a = x[b2 + off]!;
    c20 += a * w0;
    c21 += a * w1;
    c22 += a * w2;
    a = x[b3 + off]!;
    c30 += a * w0;
    c31 += a * w1;
    c32 += a * w2;
  }
  storeRow3(out, o, cols, c00 + z0, c01 + z1, c02 + z2);
  if (rows < 2) return;
  storeRow3(out, o + filters, cols, c10 + z0, c11 + z1, c12 + z2);
  if (rows < 3) return;
  storeRow3(out, o + 2 * filters, cols, c20 + z0, c21 + z1, c22 + z2);
  if (rows < 4) return;
  storeRow3(out, o + 3 * filters, cols, c30 + z0, c31 + z1, c32 + z2);
}

/** As forward4x3 for 3 pixels x 4 filters; w is packed [patch][4]. */
export function forward3x4(
  x: Float64Array,
  origin: Int32Array,
  offset: Int32Array,
  patch: number,
  w: Float64Array,
  wOffset: number,
  p: number,
  rows: number,
  out: Float32Array | Float64Array,
  o: number,
  filters: number,
  cols: number,
  z0: number,
  z1: number,
  z2: number,
  z3: number,
): void {
  const b0 = origin[p]!,
    b1 = origin[p + (rows > 1 ? 1 : 0)]!,
    b2 = origin[p + (rows > 2 ? 2 : 0)]!;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  for (let e = 0, o = wOffset; e < patch; e++, o += 4) {
    const off = offset[e]!;
    const w0 = w[o]!,
      w1 = w[o + 1]!,
      w2 = w[o + 2]!,
      w3 = w[o + 3]!;
    let a = x[b0 + off]!;
    c00 += a * w0;
    c01 += a * w1;
    c02 += a * w2;
    c03 += a * w3;
    a = x[b1 + off]!;
    c10 += a * w0;
    c11 += a * w1;
    c12 += a * w2;
    c13 += a * w3;
    a = x[b2 + off]!;
    c20 += a * w0;
    c21 += a * w1;
    c22 += a * w2;
    c23 += a * w3;
  }
  storeRow4(out, o, cols, c00 + z0, c01 + z1, c02 + z2, c03 + z3);
  if (rows < 2) return;
  storeRow4(out, o + filters, cols, c10 + z0, c11 + z1, c12 + z2, c13 + z3);
  if (rows < 3) return;
  storeRow4(out, o + 2 * filters, cols, c20 + z0, c21 + z1, c22 + z2, c23 + z3);
}

/**
 * Patch elements e0.. (4) x filters f0.. (3) of the filter gradient summed over pixels [p0, p1), into
 * partial[o + e * filters + f] (float64, not rounded). dy is a float64 copy of those pixels' rows with
 * `stride` (>= filters, zero padded) values per pixel.
 */
export function filterGradient4x3(
  x: Float64Array,
  origin: Int32Array,
  offset: Int32Array,
  e0: number,
  rows: number,
  p0: number,
  p1: number,
  dy: Float64Array,
  stride: number,
  f0: number,
  cols: number,
  partial: Float64Array,
  o: number,
  filters: number,
): void {
  const o0 = offset[e0]!,
    o1 = offset[e0 + (rows > 1 ? 1 : 0)]!,
    o2 = offset[e0 + (rows > 2 ? 2 : 0)]!,
    o3 = offset[e0 + (rows > 3 ? 3 : 0)]!;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0;
  for (let p = p0, d = f0; p < p1; p++, d += stride) {
    const base = origin[p]!;
    const g0 = dy[d]!,
      g1 = dy[d + 1]!,
      g2 = dy[d + 2]!;
    let a = x[base + o0]!;
    c00 += a * g0;
    c01 += a * g1;
    c02 += a * g2;
    a = x[base + o1]!;
    c10 += a * g0;
    c11 += a * g1;
    c12 += a * g2;
    a = x[base + o2]!;
    c20 += a * g0;
    c21 += a * g1;
    c22 += a * g2;
    a = x[base + o3]!;
    c30 += a * g0;
    c31 += a * g1;
    c32 += a * g2;
  }
  let t = o + e0 * filters + f0;
  storeRow3(partial, t, cols, c00, c01, c02);
  if (rows < 2) return;
  t += filters;
  storeRow3(partial, t, cols, c10, c11, c12);
  if (rows < 3) return;
  t += filters;
  storeRow3(partial, t, cols, c20, c21, c22);
  if (rows < 4) return;
  t += filters;
  storeRow3(partial, t, cols, c30, c31, c32);
}

/** As filterGradient4x3 for 3 patch elements x 4 filters. */
export function filterGradient3x4(
  x: Float64Array,
  origin: Int32Array,
  offset: Int32Array,
  e0: number,
  rows: number,
  p0: number,
  p1: number,
  dy: Float64Array,
  stride: number,
  f0: number,
  cols: number,
  partial: Float64Array,
  o: number,
  filters: number,
): void {
  const o0 = offset[e0]!,
    o1 = offset[e0 + (rows > 1 ? 1 : 0)]!,
    o2 = offset[e0 + (rows > 2 ? 2 : 0)]!;
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  for (let p = p0, d = f0; p < p1; p++, d += stride) {
    const base = origin[p]!;
    const g0 = dy[d]!,
      g1 = dy[d + 1]!,
      g2 = dy[d + 2]!,
      g3 = dy[d + 3]!;
    let a = x[base + o0]!;
    c00 += a * g0;
    c01 += a * g1;
    c02 += a * g2;
    c03 += a * g3;
    a = x[base + o1]!;
    c10 += a * g0;
    c11 += a * g1;
    c12 += a * g2;
    c13 += a * g3;
    a = x[base + o2]!;
    c20 += a * g0;
    c21 += a * g1;
    c22 += a * g2;
    c23 += a * g3;
  }
  let t = o + e0 * filters + f0;
  storeRow4(partial, t, cols, c00, c01, c02, c03);
  if (rows < 2) return;
  t += filters;
  storeRow4(partial, t, cols, c10, c11, c12, c13);
  if (rows < 3) return;
  t += filters;
  storeRow4(partial, t, cols, c20, c21, c22, c23);
}

/**
 * 4 pixels (p.., rows) x 3 patch elements (e0.., cols) of dy @ filter^T, each sum added into dx (the
 * padded float64 image) where that window read x: dx[origin[p] + offset[e]] += sum over f of
 * dy[p, f] w[e, f]. dy rows are float64 with `stride` values from `d`; w is packed [filters][3] (f64).
 * Adds go pixel by pixel, element by element, so their order depends only on the tile.
 */
export function inputGradient4x3(
  dy: Float64Array,
  d: number,
  stride: number,
  filters: number,
  w: Float64Array,
  wOffset: number,
  dx: Float64Array,
  origin: Int32Array,
  offset: Int32Array,
  p: number,
  rows: number,
  e0: number,
  cols: number,
): void {
  const d0 = d,
    d1 = d + (rows > 1 ? stride : 0),
    d2 = d + (rows > 2 ? 2 * stride : 0),
    d3 = d + (rows > 3 ? 3 * stride : 0);
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c20 = 0,
    c21 = 0,
    c22 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0;
  for (let f = 0, o = wOffset; f < filters; f++, o += 3) {
    const w0 = w[o]!,
      w1 = w[o + 1]!,
      w2 = w[o + 2]!;
    let a = dy[d0 + f]!;
    c00 += a * w0;
    c01 += a * w1;
    c02 += a * w2;
    a = dy[d1 + f]!;
    c10 += a * w0;
    c11 += a * w1;
    c12 += a * w2;
    a = dy[d2 + f]!;
    c20 += a * w0;
    c21 += a * w1;
    c22 += a * w2;
    a = dy[d3 + f]!;
    c30 += a * w0;
    c31 += a * w1;
    c32 += a * w2;
  }
  const q0 = offset[e0]!,
    q1 = cols > 1 ? offset[e0 + 1]! : 0,
    q2 = cols > 2 ? offset[e0 + 2]! : 0;
  addRow3(dx, origin[p]!, q0, q1, q2, cols, c00, c01, c02);
  if (rows < 2) return;
  addRow3(dx, origin[p + 1]!, q0, q1, q2, cols, c10, c11, c12);
  if (rows < 3) return;
  addRow3(dx, origin[p + 2]!, q0, q1, q2, cols, c20, c21, c22);
  if (rows < 4) return;
  addRow3(dx, origin[p + 3]!, q0, q1, q2, cols, c30, c31, c32);
}

function storeRow3(out: Float32Array | Float64Array, o: number, cols: number, v0: number, v1: number, v2: number): void {
  out[o] = v0;
  if (cols > 1) out[o + 1] = v1;
  if (cols > 2) out[o + 2] = v2;
}

function storeRow4(out: Float32Array | Float64Array, o: number, cols: number, v0: number, v1: number, v2: number, v3: number): void {
  out[o] = v0;
  if (cols > 1) out[o + 1] = v1;
  if (cols > 2) out[o + 2] = v2;
  if (cols > 3) out[o + 3] = v3;
}

function addRow3(dx: Float64Array, base: number, q0: number, q1: number, q2: number, cols: number, v0: number, v1: number, v2: number): void {
  dx[base + q0] = dx[base + q0]! + v0;
  if (cols > 1) dx[base + q1] = dx[base + q1]! + v1;
  if (cols > 2) dx[base + q2] = dx[base + q2]! + v2;
}
