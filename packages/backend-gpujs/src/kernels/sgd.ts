import type { KernelSpec, KernelThis } from './kernel-spec.js';

/** Plain SGD: p - lr * g. */
function sgdPlain(this: KernelThis, param: Float32Array, grad: Float32Array, learningRate: number): number {
  const i = this.thread.x;
  return param[i]! - learningRate * grad[i]!;
}

/** Keras momentum velocity: v' = m * v - lr * g. */
function sgdVelocity(this: KernelThis, velocity: Float32Array, grad: Float32Array, learningRate: number, momentum: number): number {
  const i = this.thread.x;
  return momentum * velocity[i]! - learningRate * grad[i]!;
}

/** The parameter after a momentum step from the old velocity: p + v' (NESTEROV 0) or p + m * v' - lr * g (NESTEROV 1). */
function sgdMomentumParam(
  this: KernelThis<'NESTEROV'>,
  param: Float32Array,
  velocity: Float32Array,
  grad: Float32Array,
  learningRate: number,
  momentum: number,
): number {
  const i = this.thread.x;
  const step = learningRate * grad[i]!;
  const v = momentum * velocity[i]! - step;
  if (this.constants.NESTEROV === 1) {
    return param[i]! + (momentum * v - step);
  }
  return param[i]! + v;
}

export function sgdPlainSpec(size: number): KernelSpec<never> {
  return { name: 'sgdPlain', body: sgdPlain, constants: {}, size, inputs: ['param', 'grad'], scalars: ['learningRate'] };
}

export function sgdVelocitySpec(size: number): KernelSpec<never> {
  return { name: 'sgdVelocity', body: sgdVelocity, constants: {}, size, inputs: ['velocity', 'grad'], scalars: ['learningRate', 'momentum'] };
}

export function sgdMomentumParamSpec(size: number, nesterov: boolean): KernelSpec<'NESTEROV'> {
  return {
    name: 'sgdMomentumParam',
    body: sgdMomentumParam,
    constants: { NESTEROV: nesterov ? 1 : 0 },
    size,
    inputs: ['param', 'velocity', 'grad'],
    scalars: ['learningRate', 'momentum'],
  };
}
