import type { KernelSpec, KernelThis } from './kernel-spec.js';

/*
 * Keras Adam and RMSprop (see core's AdaptiveInfo) as three one-output kernels: the new second moment, the new
 * first moment (Adam only), then the parameter from those two new textures (RMSprop: from the gradient).
 * 1 - beta arrives as a uniform the host took in float64; a shader's own 1.0 - 0.999 is 1.3e-5 off.
 */

/** v' = b v + (1 - b) g^2: Adam's second moment, RMSprop's mean square. */
function secondMoment(this: KernelThis, v: Float32Array, grad: Float32Array, decay: number, oneMinusDecay: number): number {
  const i = this.thread.x;
  const g = grad[i]!;
  return decay * v[i]! + oneMinusDecay * (g * g);
}

/** m' = b m + (1 - b) g: Adam's first moment. */
function firstMoment(this: KernelThis, m: Float32Array, grad: Float32Array, decay: number, oneMinusDecay: number): number {
  const i = this.thread.x;
  return decay * m[i]! + oneMinusDecay * grad[i]!;
}

/** p - lr d / (sqrt(v') + eps), with d the new m (Adam, lr bias-corrected) or the gradient (RMSprop). */
function adaptiveParam(this: KernelThis, param: Float32Array, direction: Float32Array, v: Float32Array, learningRate: number, epsilon: number): number {
  const i = this.thread.x;
  return param[i]! - (learningRate * direction[i]!) / (Math.sqrt(v[i]!) + epsilon);
}

export function secondMomentSpec(size: number): KernelSpec<never> {
  return { name: 'secondMoment', body: secondMoment, constants: {}, size, inputs: ['v', 'grad'], scalars: ['decay', 'oneMinusDecay'] };
}

export function firstMomentSpec(size: number): KernelSpec<never> {
  return { name: 'firstMoment', body: firstMoment, constants: {}, size, inputs: ['m', 'grad'], scalars: ['decay', 'oneMinusDecay'] };
}

export function adaptiveParamSpec(size: number): KernelSpec<never> {
  return { name: 'adaptiveParam', body: adaptiveParam, constants: {}, size, inputs: ['param', 'direction', 'v'], scalars: ['learningRate', 'epsilon'] };
}
