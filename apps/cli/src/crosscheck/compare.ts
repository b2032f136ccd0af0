/** How far one backend's tensor is from the reference's. */
export interface Difference {
  /** max |a - b| */
  readonly maxAbs: number;
  /** max |a - b| / max(|b|, floor), floor = 1e-3 * max|b|, so near-zero elements don't dominate. */
  readonly maxRel: number;
  /** max |a - b| / max|b|: the error relative to the tensor's scale; the verdict uses this. */
  readonly scaled: number;
}

export function difference(actual: Float32Array, expected: Float32Array): Difference {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  const floor = Math.max(1e-3 * scale, Number.MIN_VALUE);
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    // NaN must fail the check, never slip through a max().
    if (Number.isNaN(d)) return { maxAbs: NaN, maxRel: NaN, scaled: Infinity };
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(expected[i]!), floor));
  }
  return { maxAbs, maxRel, scaled: scale === 0 ? maxAbs : maxAbs / scale };
}

/** The worst of several named differences (e.g. every layer's activation), by scaled error. */
export interface Worst extends Difference {
  readonly name: string;
  readonly step: number;
}

export function worse(a: Worst | null, b: Worst): Worst {
  if (!a) return b;
  return b.scaled > a.scaled || (Number.isNaN(b.maxAbs) && !Number.isNaN(a.maxAbs)) ? b : a;
}
