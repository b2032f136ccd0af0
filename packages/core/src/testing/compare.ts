import type { Numbers } from './reference.js';

/** One element-by-element comparison of a backend result with its expected values. */
export interface Comparison {
  readonly label: string;
  readonly passed: boolean;
  /** Elements whose error exceeds their allowance (or that are not finite). */
  readonly failing: number;
  readonly size: number;
  /** The element whose error is the largest multiple of its allowance; null for empty or mis-sized results. */
  readonly worst: WorstElement | null;
  /** One line naming the worst element, expected vs got; what a failing check prints. */
  readonly message: string;
}

export interface WorstElement {
  readonly index: number;
  readonly expected: number;
  readonly got: number;
  readonly error: number;
  readonly allowed: number;
}

function formatNumber(v: number): string {
  return Number.isFinite(v) && v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5) ? v.toExponential(6) : String(Number(v.toPrecision(9)));
}

/** [n,h,w,c]-style position of a flat index in `shape`, or just the index without a shape. */
function position(index: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length < 2) return `[${index}]`;
  const coords: number[] = [];
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    coords.unshift(rest % shape[d]!);
    rest = Math.floor(rest / shape[d]!);
  }
  return `[${coords.join(',')}] (flat ${index})`;
}

/**
 * Compares `got` with `expected` element-wise: element i passes when |got - expected| <= allowed[i]. The
 * worst element is the one with the largest error/allowed ratio, reported whether or not it passes.
 */
export function compareClose(label: string, got: Numbers, expected: Numbers, allowed: Numbers | number, shape?: readonly number[]): Comparison {
  const shapeText = shape ? ` [${shape.join(',')}]` : '';
  if (got.length !== expected.length) {
    const message = `${label}${shapeText}: expected ${expected.length} elements, got ${got.length}`;
    return { label, passed: false, failing: Math.max(got.length, expected.length), size: expected.length, worst: null, message };
  }
  // A short allowance array is a bug in the check itself, not in the backend: say so instead of failing elements.
  if (typeof allowed !== 'number' && allowed.length !== expected.length)
    throw new Error(`${label}: ${allowed.length} allowances for ${expected.length} elements`);
  let failing = 0;
  let worst: WorstElement | null = null;
  let worstRatio = -1;
  for (let i = 0; i < expected.length; i++) {
    const limit = typeof allowed === 'number' ? allowed : allowed[i]!;
    const error = Math.abs(got[i]! - expected[i]!);
    // NaN and infinities never pass, even against an infinite expectation.
    const ratio = Number.isFinite(got[i]!) ? (error === 0 ? 0 : limit > 0 ? error / limit : Infinity) : Infinity;
    if (!(ratio <= 1)) failing++;
    if (ratio > worstRatio || worst === null) {
      worstRatio = ratio;
      worst = { index: i, expected: expected[i]!, got: got[i]!, error: Number.isFinite(got[i]!) ? error : Infinity, allowed: limit };
    }
  }
  const passed = failing === 0;
  let message = `${label}${shapeText}: ${passed ? 'all' : `${failing} of`} ${expected.length} elements ${passed ? 'within tolerance' : 'off'}`;
  if (worst) {
    const ratioText = !Number.isFinite(worst.got) ? 'not finite' : worst.allowed === 0 ? 'must match exactly' : `${worstRatio.toPrecision(3)}x allowed`;
    message += `; worst at ${position(worst.index, shape)}: expected ${formatNumber(worst.expected)}, got ${formatNumber(worst.got)}, |error| ${worst.error.toExponential(2)} vs allowed ${worst.allowed.toExponential(2)} (${ratioText})`;
  }
  return { label, passed, failing, size: expected.length, worst, message };
}

/** Bit-for-bit equality (argmax indices, counts, copies, untouched inputs). */
export function compareExact(label: string, got: Numbers, expected: Numbers, shape?: readonly number[]): Comparison {
  return compareClose(label, got, expected, 0, shape);
}
