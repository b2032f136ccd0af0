import type { SgdInfo } from '@lenet-ts/core';

/**
 * Keras SGD, in place, with every operation rounded to float32 as TF does it:
 * plain p -= lr*g; momentum v = m*v - lr*g, p += v; nesterov p += m*v - lr*g with the new v
 * (TF's ApplyKerasMomentum).
 */
export function sgdStep(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, info: SgdInfo): void {
  const f = Math.fround;
  const lr = f(info.learningRate);
  const size = info.size;
  if (velocity === null) {
    for (let i = 0; i < size; i++) param[i] = param[i]! - f(lr * grad[i]!);
    return;
  }
  const m = f(info.momentum);
  if (info.nesterov) {
    for (let i = 0; i < size; i++) {
      const step = f(lr * grad[i]!);
      const v = f(f(m * velocity[i]!) - step);
      velocity[i] = v;
      param[i] = param[i]! + f(f(m * v) - step);
    }
  } else {
    for (let i = 0; i < size; i++) {
      const v = f(f(m * velocity[i]!) - f(lr * grad[i]!));
      velocity[i] = v;
      param[i] = param[i]! + v;
    }
  }
}
