/**
 * Keras SGD, in place, with every operation rounded to float32 as TF does it:
 * plain p -= lr*g; momentum v = m*v - lr*g, p += v; nesterov p += m*v - lr*g with the new v
 * (TF's ApplyKerasMomentum). Elements [start, end) only, so threads can share one update.
 */
export function sgdUpdate(
  param: Float32Array,
  grad: Float32Array,
  velocity: Float32Array | null,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
  start: number,
  end: number,
): void {
  const f = Math.fround;
  const lr = f(learningRate);
  if (velocity === null) {
    for (let i = start; i < end; i++) param[i] = param[i]! - f(lr * grad[i]!);
    return;
  }
  const m = f(momentum);
  if (nesterov) {
    for (let i = start; i < end; i++) {
      const step = f(lr * grad[i]!);
      const v = f(f(m * velocity[i]!) - step);
      velocity[i] = v;
      param[i] = param[i]! + f(f(m * v) - step);
    }
  } else {
    for (let i = start; i < end; i++) {
      const v = f(f(m * velocity[i]!) - f(lr * grad[i]!));
      velocity[i] = v;
      param[i] = param[i]! + v;
    }
  }
}
