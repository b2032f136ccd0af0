import type { ActivationKind, AdaptiveInfo, LossInfo, SgdInfo } from '../backend.js';
import type { Numbers } from './reference.js';

/**
 * Every tolerance of the conformance suite, in one place. A backend computes in float32 and is compared
 * with float64 references on the very same (float32) inputs, so the only error left is float32 rounding;
 * each allowance below says how much of it the computation's shape can produce. Backends that sum in a
 * different order or precision (GPU shaders, fused kernels) multiply all of them with `toleranceScale`.
 */

/** Unit roundoff of float32 (half an ulp of 1): the relative error of one correctly rounded operation. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;

/** Smallest normal float32: GPUs flush smaller (subnormal) results to zero, e.g. sigmoid(-100). */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * A float32 sum of L terms rounds its running total L times, each time by up to u times the total. With the
 * suite's random inputs the running total is a drift towards the final sum plus a random walk, so the error is
 * about u * (sqrt(L/3) * |sum| + sum of |terms|) whatever the summation order (pairwise and blocked sums do
 * better). Four times that, as u * (sqrt(L) * |sum| + sum of |terms|), covers a plain sequential float32 loop,
 * e.g. conv1's filter gradient: 32*24*24 = 18432 products of pixels up to 255.
 */
export const REDUCTION_SAFETY = 4;

/** Element-wise float32 work (exp, a division, a multiply-add) may add this many roundings of its result. */
export const ELEMENTWISE_ROUNDINGS = 8;

/**
 * Whole LeNet steps compound errors through five sigmoids, where a float32 output near 1 keeps few digits
 * of 1 - y; each element may differ by this fraction of itself plus this fraction of the tensor's
 * largest element (gradients that cancel to ~0 carry the rounding of their larger terms).
 */
export const NETWORK_RELATIVE = 1e-4;
export const NETWORK_ABSOLUTE_OF_MAX = 2e-5;

/** The tfjs-layers fixture promises "about 1e-4 relative"; same shape of bound as NETWORK_* above. */
export const FIXTURE_RELATIVE = 1e-4;
export const FIXTURE_ABSOLUTE_OF_MAX = 2e-5;

/**
 * The float64 reference chain against the same fixture: only the fixture's own float32 rounding separates
 * them (measured: 1.2e-5 of the element on conv1.kernel's large gradients, below 1e-6 elsewhere).
 */
export const REFERENCE_FIXTURE_RELATIVE = 2e-5;
export const REFERENCE_FIXTURE_ABSOLUTE_OF_MAX = 2e-6;

/**
 * Float64 central differences with step h = FINITE_DIFFERENCE_STEP * max(1, |x|): truncation error
 * ~h^2 |f'''| and cancellation ~eps64 |f| / h are both below 1e-8 for the suite's small objectives, so
 * the analytic float64 gradients must agree to this fraction of (|g_i| + max |g|).
 */
export const FINITE_DIFFERENCE_STEP = 1e-5;
export const FINITE_DIFFERENCE_RELATIVE = 1e-6;

/** Allowed error of float32 sums of `length` terms: `expected[i]` is the sum, `absSum[i]` the sum of the terms' absolute values. */
export function reductionAllowance(expected: Numbers, absSum: Numbers, length: number, scale: number): Float64Array {
  const factor = scale * REDUCTION_SAFETY * FLOAT32_UNIT_ROUNDOFF;
  const growth = Math.sqrt(length);
  return Float64Array.from({ length: expected.length }, (_, i) => factor * (growth * Math.abs(expected[i]!) + absSum[i]!) + FLOAT32_MIN_NORMAL);
}

/** Allowed error of element-wise results whose condition-weighted magnitude is `magnitude[i]`. */
export function elementwiseAllowance(magnitude: Numbers, scale: number): Float64Array {
  const factor = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  return Float64Array.from(magnitude, (m) => factor * m + FLOAT32_MIN_NORMAL);
}

/**
 * Carries the allowance of a pre-activation z through y = act(z): the error of z shrinks by |act'(z)|, and
 * act itself adds a few roundings of y plus the float32 rounding of z amplified by its condition |z act'(z)|.
 */
export function activationAllowance(zAllowed: Numbers, z: Numbers, y: Numbers, kind: ActivationKind, scale: number): Float64Array {
  const allowed = new Float64Array(z.length);
  const own = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  for (let i = 0; i < z.length; i++) {
    const slope = kind === 'sigmoid' ? y[i]! * (1 - y[i]!) : 1;
    allowed[i] = zAllowed[i]! * slope + own * (Math.abs(y[i]!) + Math.abs(z[i]!) * slope) + FLOAT32_MIN_NORMAL;
  }
  return allowed;
}

/** Allowed error per element for whole-network comparisons: a fraction of itself plus a fraction of the largest. */
export function networkAllowance(expected: Numbers, relative: number, absoluteOfMax: number, scale: number): Float64Array {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i]!));
  return Float64Array.from(expected, (e) => scale * (relative * Math.abs(e) + absoluteOfMax * max) + FLOAT32_MIN_NORMAL);
}

/** Allowed disagreement between an analytic float64 gradient and its finite differences. */
export function finiteDifferenceAllowance(analytic: Numbers): Float64Array {
  let max = 0;
  for (let i = 0; i < analytic.length; i++) max = Math.max(max, Math.abs(analytic[i]!));
  return Float64Array.from(analytic, (g) => FINITE_DIFFERENCE_RELATIVE * (Math.abs(g) + max) + 1e-300);
}

/**
 * Softmax of a row: exp(x_j - max) carries the rounding of x_j - max amplified by |x_j - max|, and the row sum
 * adds about sqrt(cols) roundings plus the largest such amplification, the row's range.
 */
export function softmaxAllowance(x: Numbers, y: Numbers, rows: number, cols: number, scale: number): Float64Array {
  const allowed = new Float64Array(rows * cols);
  const factor = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    let min = Infinity;
    for (let c = 0; c < cols; c++) {
      max = Math.max(max, x[r * cols + c]!);
      min = Math.min(min, x[r * cols + c]!);
    }
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      allowed[i] = factor * Math.abs(y[i]!) * (Math.sqrt(cols) + (max - x[i]!) + (max - min)) + FLOAT32_MIN_NORMAL;
    }
  }
  return allowed;
}

/**
 * The fused losses: each row's loss is a difference of logs whose float32 error is a few roundings of the
 * logs' sizes plus the row sum's sqrt(classes) roundings; the batch mean adds sqrt(batch) growth. The
 * gradient 1/S - 1/q_y (probabilities) or softmax - onehot (logits) cancels, so it is allowed a few roundings
 * of its larger term.
 */
export function lossAllowance(input: Numbers, labels: Numbers, info: LossInfo, scale: number): { loss: number; gradient: Float64Array } {
  const { batch, classes } = info;
  const factor = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  const gradient = new Float64Array(batch * classes);
  let rowMagnitudes = 0;
  for (let r = 0; r < batch; r++) {
    const row = r * classes;
    const label = labels[r]!;
    if (info.kind === 'sparse-categorical-crossentropy') {
      const clip = (p: number) => Math.min(Math.max(p, info.epsilon), 1 - info.epsilon);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += clip(input[row + c]!);
      const target = clip(input[row + label]!);
      rowMagnitudes += Math.abs(Math.log(sum)) + Math.abs(Math.log(target)) + Math.sqrt(classes);
      for (let c = 0; c < classes; c++) {
        gradient[row + c] = (factor * Math.sqrt(classes) * (1 / sum + (c === label ? 1 / target : 0))) / batch + FLOAT32_MIN_NORMAL;
      }
    } else {
      let max = -Infinity;
      let min = Infinity;
      for (let c = 0; c < classes; c++) {
        max = Math.max(max, input[row + c]!);
        min = Math.min(min, input[row + c]!);
      }
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(input[row + c]! - max);
      rowMagnitudes += max - input[row + label]! + Math.log(sum) + Math.sqrt(classes) + (max - min);
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(input[row + c]! - max) / sum;
        const softmaxError = p * (Math.sqrt(classes) + (max - input[row + c]!) + (max - min));
        gradient[row + c] = (factor * (softmaxError + (c === label ? 1 : p))) / batch + FLOAT32_MIN_NORMAL;
      }
    }
  }
  return { loss: (factor * Math.sqrt(batch) * rowMagnitudes) / batch + FLOAT32_MIN_NORMAL, gradient };
}

/** SGD: a few roundings of the largest term each update adds (|p|, |momentum v|, |lr g|). */
export function sgdAllowance(param: Numbers, grad: Numbers, velocity: Numbers | null, info: SgdInfo, scale: number): Float64Array {
  const factor = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  return Float64Array.from({ length: info.size }, (_, i) => {
    const step = Math.abs(info.learningRate * grad[i]!) + (velocity ? Math.abs(info.momentum * velocity[i]!) : 0);
    return factor * (Math.abs(param[i]!) + 2 * step) + FLOAT32_MIN_NORMAL;
  });
}

/**
 * Adam / RMSprop, one step: m and v are sums of two products (a few roundings of each term, no cancellation in
 * v, possible cancellation in m so the terms count, not the result); the step lr m / (sqrt(v) + eps) adds the
 * relative error of m, half that of v (the root) and its own roundings, all on the scale of the step's terms;
 * p - step rounds once more on |p|. `expected` holds the float64 results of this very step.
 */
export function adaptiveAllowance(
  param: Numbers,
  grad: Numbers,
  m: Numbers | null,
  v: Numbers,
  expected: { readonly v: Numbers },
  info: AdaptiveInfo,
  scale: number,
): { param: Float64Array; m: Float64Array | null; v: Float64Array } {
  const factor = scale * ELEMENTWISE_ROUNDINGS * FLOAT32_UNIT_ROUNDOFF;
  const { size, learningRate, beta1, beta2, epsilon } = info;
  const allowedM = m === null ? null : new Float64Array(size);
  const allowedV = new Float64Array(size);
  const allowedParam = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const g = grad[i]!;
    allowedV[i] = factor * (Math.abs(beta2 * v[i]!) + (1 - beta2) * g * g) + FLOAT32_MIN_NORMAL;
    const directionTerms = m === null ? Math.abs(g) : Math.abs(beta1 * m[i]!) + Math.abs((1 - beta1) * g);
    if (allowedM !== null) allowedM[i] = factor * directionTerms + FLOAT32_MIN_NORMAL;
    const step = (Math.abs(learningRate) * directionTerms) / (Math.sqrt(expected.v[i]!) + epsilon);
    allowedParam[i] = factor * (Math.abs(param[i]!) + 2 * step) + FLOAT32_MIN_NORMAL;
  }
  return { param: allowedParam, m: allowedM, v: allowedV };
}
