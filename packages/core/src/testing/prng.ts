/**
 * A tiny seeded generator (mulberry32), so every run of the conformance suite feeds the backend the same
 * inputs and a failure can be replayed. Every value it hands out is exactly representable in float32, so
 * the float64 reference sees bit-identical inputs to the backend.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi), rounded to float32. */
  uniform(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.next());
  }

  /** An integer in [0, count). */
  int(count: number): number {
    return Math.floor(this.next() * count);
  }

  /** `size` values uniform in [lo, hi). */
  floats(size: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.uniform(lo, hi);
    return out;
  }

  /** `size` integers in [0, count) stored as floats (labels, quantised pixels, values with ties). */
  integers(size: number, count: number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = this.int(count);
    return out;
  }

  /** `size` values in [lo, hi) whose absolute value is at least `gap` (keeps finite differences off kinks). */
  floatsAwayFromZero(size: number, lo: number, hi: number, gap: number): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let v: number;
      do v = this.uniform(lo, hi);
      while (Math.abs(v) < gap);
      out[i] = v;
    }
    return out;
  }

  /** `size` distinct values in [lo, hi) at least (hi - lo) / size apart, in random order (no max ties). */
  distinct(size: number, lo: number, hi: number): Float32Array {
    const order = Array.from({ length: size }, (_, i) => i);
    for (let i = size - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return Float32Array.from(order, (rank) => Math.fround(lo + ((hi - lo) * rank) / size));
  }
}

/** Mixes a check's name into the suite seed so each check draws its own stream, whatever order checks run in. */
export function seedFor(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
