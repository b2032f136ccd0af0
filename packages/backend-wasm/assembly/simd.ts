// Vector helpers shared by every kernel. One source builds two modules: with relaxed SIMD, a*b+c is one
// fused f32x4.relaxed_madd (FMA where the CPU has it); without, a multiply then an add.

export const LINEAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const RELU: i32 = 2;

/** a * b + c, lane by lane. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * 1 / (1 + e^-x) for four lanes. e^-|x| by Cephes' expf reduction (x = n ln2 + r, |r| <= ln2/2, degree-7
 * polynomial), scaled by 2^(n+64) then 2^-64 so that results below the normal range round gradually to
 * zero instead of jumping; the positive half is q = 1/(1+e), the negative half e*q (no 1 - q cancellation).
 */
@inline export function sigmoid4(x: v128): v128 {
  const t = f32x4.max(f32x4.neg(f32x4.abs(x)), f32x4.splat(-120.0));
  const n = f32x4.nearest(f32x4.mul(t, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(t, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let p = madd(f32x4.splat(1.9875691500e-4), r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  p = madd(p, z, f32x4.add(r, f32x4.splat(1.0)));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127 + 64)), 23);
  const e = f32x4.mul(f32x4.mul(p, scale), f32x4.splat(5.421010862427522e-20));
  const q = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(q, f32x4.mul(e, q), f32x4.ge(x, f32x4.splat(0.0)));
}

@inline export function activate4(v: v128, act: i32): v128 {
  if (act == SIGMOID) return sigmoid4(v);
  if (act == RELU) return f32x4.max(v, f32x4.splat(0.0));
  return v;
}

/** Stores the first `count` (1..4) lanes of v at p. */
@inline export function storeLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
  } else if (count == 3) {
    v128.store64_lane(p, v, 0);
    v128.store32_lane(p, v, 2, 8);
  } else if (count == 2) {
    v128.store64_lane(p, v, 0);
  } else if (count == 1) {
    v128.store32_lane(p, v, 0);
  }
}

/** Stores the first `count` (0..16) lanes of four vectors at p. */
@inline export function store16(p: usize, v0: v128, v1: v128, v2: v128, v3: v128, count: i32): void {
  if (count >= 16) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
    v128.store(p, v2, 32);
    v128.store(p, v3, 48);
    return;
  }
  storeLanes(p, v0, count);
  if (count > 4) storeLanes(p + 16, v1, count - 4);
  if (count > 8) storeLanes(p + 32, v2, count - 8);
  if (count > 12) storeLanes(p + 48, v3, count - 12);
}

/** Bias vector at p (lanes beyond the bias are whatever follows it), or zero when there is none. */
@inline export function biasAt(bias: usize, offset: usize): v128 {
  return bias == 0 ? f32x4.splat(0.0) : v128.load(bias + offset);
}
