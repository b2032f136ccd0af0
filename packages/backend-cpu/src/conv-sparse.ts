/**
 * Convolution gradients that skip the zeros of dy. Behind a 2x2 max-pool only one position in four gets
 * a gradient (the max of its window), so dL/dy of such a convolution is ~75% exact zeros: the dense tiles
 * multiply them all, these kernels first list the non-zero dy values and then run register-blocked tiles
 * over the lists only (12 or 4 patch elements at a time, the sums in registers).
 *
 * Patch offsets are padded with zeros to a multiple of 4 (`offset[e]` for e >= patch reads a valid
 * element whose products are never stored).
 */

/**
 * Lists, per filter f, the non-zero dy[p, f] of pixels [p0, p1): entries [f * capacity, f * capacity +
 * counts[f]) hold the pixel's window origin and the value, in pixel order. Returns how many there are.
 * Branch-free (every value is written, the count only moves past non-zeros): a test per value would
 * mispredict on a quarter of them.
 */
export function listByFilter(
  dy: Float32Array,
  filters: number,
  origin: Int32Array,
  p0: number,
  p1: number,
  origins: Int32Array,
  values: Float64Array,
  counts: Int32Array,
  capacity: number,
): number {
  counts.fill(0, 0, filters);
  for (let p = p0; p < p1; p++) {
    const base = origin[p]!;
    for (let f = 0, d = p * filters; f < filters; f++, d++) {
      const v = dy[d]!;
      const n = counts[f]!;
      origins[f * capacity + n] = base;
      values[f * capacity + n] = v;
      counts[f] = n + +(v !== 0);
    }
  }
  let total = 0;
  for (let f = 0; f < filters; f++) total += counts[f]!;
  return total;
}

/**
 * sums[o + i] = sum over the listed entries k of values[k] * x[origins[k] + offset[e0 + i]] for i < 12:
 * one filter's gradient for 12 patch elements, in list (pixel) order, the same terms in the same order
 * as the dense kernel without its zero products.
 */
export function filterGradient12(
  x: Float64Array,
  offset: Int32Array,
  e0: number,
  origins: Int32Array,
  values: Float64Array,
  start: number,
  end: number,
  sums: Float64Array,
  o: number,
): void {
  const q0 = offset[e0]!,
    q1 = offset[e0 + 1]!,
    q2 = offset[e0 + 2]!,
    q3 = offset[e0 + 3]!;
  const q4 = offset[e0 + 4]!,
    q5 = offset[e0 + 5]!,
    q6 = offset[e0 + 6]!,
    q7 = offset[e0 + 7]!;
  const q8 = offset[e0 + 8]!,
    q9 = offset[e0 + 9]!,
    q10 = offset[e0 + 10]!,
    q11 = offset[e0 + 11]!;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0,
    s8 = 0,
    s9 = 0,
    s10 = 0,
    s11 = 0;
  for (let k = start; k < end; k++) {
    const b = origins[k]!;
    const v = values[k]!;
    s0 += v * x[b + q0]!;
    s1 += v * x[b + q1]!;
    s2 += v * x[b + q2]!;
    s3 += v * x[b + q3]!;
    s4 += v * x[b + q4]!;
    s5 += v * x[b + q5]!;
    s6 += v * x[b + q6]!;
    s7 += v * x[b + q7]!;
    s8 += v * x[b + q8]!;
    s9 += v * x[b + q9]!;
    s10 += v * x[b + q10]!;
    s11 += v * x[b + q11]!;
  }
  sums[o] = s0;
  sums[o + 1] = s1;
  sums[o + 2] = s2;
  sums[o + 3] = s3;
  sums[o + 4] = s4;
  sums[o + 5] = s5;
  sums[o + 6] = s6;
  sums[o + 7] = s7;
  sums[o + 8] = s8;
  sums[o + 9] = s9;
  sums[o + 10] = s10;
  sums[o + 11] = s11;
}

/** As filterGradient12 for 4 patch elements (the tail of the patch). */
export function filterGradient4(
  x: Float64Array,
  offset: Int32Array,
  e0: number,
  origins: Int32Array,
  values: Float64Array,
  start: number,
  end: number,
  sums: Float64Array,
  o: number,
): void {
  const q0 = offset[e0]!,
    q1 = offset[e0 + 1]!,
    q2 = offset[e0 + 2]!,
    q3 = offset[e0 + 3]!;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let k = start; k < end; k++) {
    const b = origins[k]!;
    const v = values[k]!;
    s0 += v * x[b + q0]!;
    s1 += v * x[b + q1]!;
    s2 += v * x[b + q2]!;
    s3 += v * x[b + q3]!;
  }
  sums[o] = s0;
  sums[o + 1] = s1;
  sums[o + 2] = s2;
  sums[o + 3] = s3;
}

/** Lists the non-zero dy[p, f] of one pixel (from index d of dy): filter ids and values. Returns the count. */
export function listPixel(dy: Float32Array, d: number, filters: number, ids: Int32Array, values: Float64Array): number {
  let n = 0;
  for (let f = 0; f < filters; f++) {
    const v = dy[d + f]!;
    ids[n] = f;
    values[n] = v;
    n += +(v !== 0);
  }
  return n;
}

/**
 * One pixel's input gradient for 12 patch elements: sum over the listed filters of value * w[f, e] (w is
 * float64 [F][width], zero past the patch), added into dx at base + offset[e], element by element.
 */
export function inputGradient12(
  ids: Int32Array,
  values: Float64Array,
  n: number,
  w: Float64Array,
  width: number,
  e0: number,
  dx: Float64Array,
  base: number,
  offset: Int32Array,
): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0,
    s8 = 0,
    s9 = 0,
    s10 = 0,
    s11 = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    const r = ids[k]! * width + e0;
    s0 += v * w[r]!;
    s1 += v * w[r + 1]!;
    s2 += v * w[r + 2]!;
    s3 += v * w[r + 3]!;
    s4 += v * w[r + 4]!;
    s5 += v * w[r + 5]!;
    s6 += v * w[r + 6]!;
    s7 += v * w[r + 7]!;
    s8 += v * w[r + 8]!;
    s9 += v * w[r + 9]!;
    s10 += v * w[r + 10]!;
    s11 += v * w[r + 11]!;
  }
  let i = base + offset[e0]!;
  dx[i] = dx[i]! + s0;
  i = base + offset[e0 + 1]!;
  dx[i] = dx[i]! + s1;
  i = base + offset[e0 + 2]!;
  dx[i] = dx[i]! + s2;
  i = base + offset[e0 + 3]!;
  dx[i] = dx[i]! + s3;
  i = base + offset[e0 + 4]!;
  dx[i] = dx[i]! + s4;
  i = base + offset[e0 + 5]!;
  dx[i] = dx[i]! + s5;
  i = base + offset[e0 + 6]!;
  dx[i] = dx[i]! + s6;
  i = base + offset[e0 + 7]!;
  dx[i] = dx[i]! + s7;
  i = base + offset[e0 + 8]!;
  dx[i] = dx[i]! + s8;
  i = base + offset[e0 + 9]!;
  dx[i] = dx[i]! + s9;
  i = base + offset[e0 + 10]!;
  dx[i] = dx[i]! + s10;
  i = base + offset[e0 + 11]!;
  dx[i] = dx[i]! + s11;
}

/** As inputGradient12 for the last `valid` (<= 4) patch elements. */
export function inputGradient4(
  ids: Int32Array,
  values: Float64Array,
  n: number,
  w: Float64Array,
  width: number,
  e0: number,
  valid: number,
  dx: Float64Array,
  base: number,
  offset: Int32Array,
): void {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    const r = ids[k]! * width + e0;
    s0 += v * w[r]!;
    s1 += v * w[r + 1]!;
    s2 += v * w[r + 2]!;
    s3 += v * w[r + 3]!;
  }
  let i = base + offset[e0]!;
  dx[i] = dx[i]! + s0;
  if (valid < 2) return;
  i = base + offset[e0 + 1]!;
  dx[i] = dx[i]! + s1;
  if (valid < 3) return;
  i = base + offset[e0 + 2]!;
  dx[i] = dx[i]! + s2;
  if (valid < 4) return;
  i = base + offset[e0 + 3]!;
  dx[i] = dx[i]! + s3;
}

/** How many of the values in [start, end) are not zero. */
export function nonZeros(values: Float32Array, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) count += +(values[i] !== 0);
  return count;
}
