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
 * a where the mask's lanes are all ones, else b, for masks from a comparison (every lane all ones or all
 * zeros), where the relaxed form is exact: one blend instruction instead of bitselect's three.
 */
@inline export function selectLanes(a: v128, b: v128, mask: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i32x4.relaxed_laneselect(a, b, mask);
  return v128.bitselect(a, b, mask);
}

/** Where this instance's constant table is (set once by `useConstants`). */
export let constantTable: usize = 0;

export function useConstants(p: usize): void {
  writeConstants(p);
  constantTable = p;
}

/** Bytes of the constant table `writeConstants` fills (14 vectors, rounded up). */
export const CONSTANT_BYTES: usize = 256;

/**
 * Stores the sigmoid's constants at p, for the loops below to load once into locals: written inline,
 * each v128.const is rebuilt in every iteration (V8 does not hoist it), which tripled the sigmoid's cost.
 */
export function writeConstants(p: usize): void {
  // The sigmoid's constants, those that multiply r or t negated: sigmoidOf works on u = -t. The first is
  // both the clamp and the flush threshold, -ln 2^126.
  v128.store(p, f32x4.splat(-87.33654), 0);
  v128.store(p, f32x4.splat(88.0), 16);
  v128.store(p, f32x4.splat(-1.44269504088896341), 32);
  v128.store(p, f32x4.splat(12582912.0), 48);
  v128.store(p, f32x4.splat(0.693359375), 64);
  v128.store(p, f32x4.splat(-2.12194440e-4), 80);
  v128.store(p, f32x4.splat(-1.9875691500e-4), 96);
  v128.store(p, f32x4.splat(1.3981999507e-3), 112);
  v128.store(p, f32x4.splat(-8.3334519073e-3), 128);
  v128.store(p, f32x4.splat(4.1665795894e-2), 144);
  v128.store(p, f32x4.splat(-1.6666665459e-1), 160);
  v128.store(p, f32x4.splat(5.0000001201e-1), 176);
  v128.store(p, f32x4.splat(1.0), 192);
  v128.store(p, i32x4.splat(0x4b400000 - 127), 208);
}

/**
 * y = 1 / (1 + e^-x) over [from, to) of x (y may be x), four lanes a step. e^t for t = -x clamped to
 * [-88, ln 2^126] by Cephes' expf reduction: n = round(t log2 e) through the 1.5*2^23 trick (whose low bits are n
 * itself), r = t - n ln2 in two parts, a degree-7 polynomial, times 2^n built in the exponent bits. For
 * x < 0, e is large and y = 1/(1+e) keeps e's relative accuracy. Where the true y is below float32's normal
 * range (x < -ln 2^126) it is flushed to 0: subnormal activations would reach every later multiply, which
 * x86 cores run in microcode, and saturated conv1 outputs are common in the seed recipe. Such x are
 * computed at the threshold itself before the flush, never below it, because there the divide would yield
 * a subnormal, in microcode too (2.5x slower over saturated rows; the kept lanes' bits are unchanged).
 * 18 vector operations a group of four (sigmoidOf).
 */
export function sigmoidRange(x: usize, y: usize, from: i32, to: i32, constants: usize): void {
  const lowest = v128.load(constants, 0), highest = v128.load(constants, 16), negLog2e = v128.load(constants, 32);
  const magic = v128.load(constants, 48), negLn2hi = v128.load(constants, 64), negLn2lo = v128.load(constants, 80);
  const negP0 = v128.load(constants, 96), p1 = v128.load(constants, 112), negP2 = v128.load(constants, 128);
  const p3 = v128.load(constants, 144), negP4 = v128.load(constants, 160), p5 = v128.load(constants, 176);
  const one = v128.load(constants, 192), bias = v128.load(constants, 208);
  let i = from;
  // Four groups an iteration (28% faster than one): V8 reloads the constants inside the loop, and a
  // group's chain of ~20 dependent operations leaves the core idle unless others overlap it.
  for (; i + 16 <= to; i += 16) {
    const o = <usize>i << 2;
    const a = sigmoidOf(v128.load(x + o), lowest, highest, negLog2e, magic, negLn2hi, negLn2lo, negP0, p1, negP2, p3, negP4, p5, one, bias);
    const b = sigmoidOf(v128.load(x + o, 16), lowest, highest, negLog2e, magic, negLn2hi, negLn2lo, negP0, p1, negP2, p3, negP4, p5, one, bias);
    const c = sigmoidOf(v128.load(x + o, 32), lowest, highest, negLog2e, magic, negLn2hi, negLn2lo, negP0, p1, negP2, p3, negP4, p5, one, bias);
    const d = sigmoidOf(v128.load(x + o, 48), lowest, highest, negLog2e, magic, negLn2hi, negLn2lo, negP0, p1, negP2, p3, negP4, p5, one, bias);
    v128.store(y + o, a);
    v128.store(y + o, b, 16);
    v128.store(y + o, c, 32);
    v128.store(y + o, d, 48);
  }
  for (; i < to; i += 4) {
    const o = <usize>i << 2;
    storeLanes(y + o, sigmoidOf(v128.load(x + o), lowest, highest, negLog2e, magic, negLn2hi, negLn2lo, negP0, p1, negP2, p3, negP4, p5, one, bias), to - i);
  }
}

/**
 * The formula of sigmoidRange on four lanes, with its constants as writeConstants lays them out. It
 * computes on u = clamp(x) = -t and R = -r, with the constants that multiply them negated, which saves
 * negating x (3 instructions in V8) and gives the same bits as the t form: negating a product or a sum
 * is exact and round-to-nearest is symmetric, so each step yields the t form's value or its exact
 * negation (the Horner steps alternate: p, -p, p, -p, p).
 */
@inline function sigmoidOf(
  x: v128, lowest: v128, highest: v128, negLog2e: v128, magic: v128, negLn2hi: v128, negLn2lo: v128,
  negP0: v128, p1: v128, negP2: v128, p3: v128, negP4: v128, p5: v128, one: v128, bias: v128,
): v128 {
  const u = f32x4.pmin(f32x4.pmax(x, lowest), highest);
  const shifted = madd(u, negLog2e, magic);
  const n = f32x4.sub(shifted, magic);
  let r = madd(n, negLn2hi, u);
  r = madd(n, negLn2lo, r);
  const z = f32x4.mul(r, r);
  let p = madd(negP0, r, p1);
  p = madd(p, r, negP2);
  p = madd(p, r, p3);
  p = madd(p, r, negP4);
  p = madd(p, r, p5);
  p = madd(p, z, f32x4.sub(one, r));
  const e = f32x4.mul(p, i32x4.shl(i32x4.sub(shifted, bias), 23));
  const q = f32x4.div(one, f32x4.add(one, e));
  return v128.andnot(q, f32x4.lt(x, lowest));
}

/** max(x, 0) over [from, to); y may be x. */
export function reluRange(x: usize, y: usize, from: i32, to: i32): void {
  const zero = f32x4.splat(0.0);
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    storeLanes(y + o, f32x4.pmax(v128.load(x + o), zero), to - i);
  }
}

/** act over [from, to) of x into y (in place when y == x); linear copies, or in place does nothing. */
export function activateRange(x: usize, y: usize, from: i32, to: i32, act: i32): void {
  if (act == SIGMOID) sigmoidRange(x, y, from, to, constantTable);
  else if (act == RELU) reluRange(x, y, from, to);
  else if (x != y) memory.copy(y + (<usize>from << 2), x + (<usize>from << 2), <usize>(to - from) << 2);
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
