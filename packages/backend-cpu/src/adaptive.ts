import type { AdaptiveKind } from '@lenet-ts/core';

/**
 * Keras Adam (m given) or RMSprop (m null), in place, every operation rounded to float32 (Float32Array stores
 * round; Math.fround rounds the rest): v = b2 v + (1 - b2) g^2; Adam m = b1 m + (1 - b1) g, p -= lr m / (sqrt(v) + eps);
 * RMSprop p -= lr g / (sqrt(v) + eps). 1 - b is taken in float64 before rounding (see core's AdaptiveInfo).
 * Elements [start, end) only, so threads can share one update.
 */
export function adaptiveUpdate(
  kind: AdaptiveKind,
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array | null,
  v: Float32Array,
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  start: number,
  end: number,
): void {
  const f = Math.fround;
  const lr = f(learningRate);
  const b2 = f(beta2);
  const c2 = f(1 - beta2);
  const eps = f(epsilon);
  if (kind === 'adam') {
    if (m === null) throw new Error('cpu backend: adaptiveUpdate adam needs m');
    const b1 = f(beta1);
    const c1 = f(1 - beta1);
    for (let i = start; i < end; i++) {
      const g = grad[i]!;
      const vi = f(f(b2 * v[i]!) + f(c2 * f(g * g)));
      const mi = f(f(b1 * m[i]!) + f(c1 * g));
      v[i] = vi;
      m[i] = mi;
      param[i] = param[i]! - f(f(lr * mi) / f(f(Math.sqrt(vi)) + eps));
    }
  } else {
    for (let i = start; i < end; i++) {
      const g = grad[i]!;
      const vi = f(f(b2 * v[i]!) + f(c2 * f(g * g)));
      v[i] = vi;
      param[i] = param[i]! - f(f(lr * g) / f(f(Math.sqrt(vi)) + eps));
    }
  }
}
