import { FINITE_DIFFERENCE_STEP } from './tolerance.js';
import type { Numbers } from './reference.js';

/**
 * Float64 central differences of a scalar objective at `point`, one coordinate at a time:
 * (f(x + h e_i) - f(x - h e_i)) / 2h with h scaled to the coordinate's size.
 */
export function centralDifferences(point: Numbers, objective: (x: Float64Array) => number): Float64Array {
  const x = Float64Array.from(point);
  const gradient = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const original = x[i]!;
    const h = FINITE_DIFFERENCE_STEP * Math.max(1, Math.abs(original));
    x[i] = original + h;
    const above = objective(x);
    x[i] = original - h;
    const below = objective(x);
    x[i] = original;
    gradient[i] = (above - below) / (2 * h);
  }
  return gradient;
}
