import type { ActivationKind, AdaptiveInfo, LossInfo, SgdInfo } from './backend.js';
import type { Engine } from './engine.js';
import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from './geometry.js';
import type { Tensor } from './tensor.js';

/**
 * Tensor-level wrappers over the backend primitives: each one calls exactly one primitive and gives the
 * result the shape core computed. Layers use these; nothing here knows which backend runs.
 */

export function conv2d(e: Engine, x: Tensor, filter: Tensor, bias: Tensor | null, info: Conv2DInfo, act: ActivationKind): Tensor {
  return e.tensor(e.backend.conv2d(x.handle, filter.handle, bias?.handle ?? null, info, act), info.outShape);
}

export function matMul(e: Engine, a: Tensor, b: Tensor, bias: Tensor | null, info: MatMulInfo, act: ActivationKind): Tensor {
  return e.tensor(e.backend.matMul(a.handle, b.handle, bias?.handle ?? null, info, act), [info.m, info.n]);
}

export function maxPool(e: Engine, x: Tensor, info: Pool2DInfo): { y: Tensor; argmax: Tensor } {
  const { y, argmax } = e.backend.maxPool(x.handle, info);
  return { y: e.tensor(y, info.outShape), argmax: e.tensor(argmax, info.outShape) };
}

export function activation(e: Engine, x: Tensor, kind: ActivationKind): Tensor {
  return e.tensor(e.backend.activation(x.handle, x.size, kind), x.shape);
}

export function softmax(e: Engine, x: Tensor): Tensor {
  const [rows, cols] = x.shape as [number, number];
  return e.tensor(e.backend.softmax(x.handle, rows, cols), x.shape);
}

export function conv2dBackwardInput(e: Engine, dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  return e.tensor(e.backend.conv2dBackwardInput(dy.handle, filter.handle, info), info.inShape);
}

export function conv2dBackwardFilter(e: Engine, x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
  return e.tensor(e.backend.conv2dBackwardFilter(x.handle, dy.handle, info), info.filterShape);
}

export function maxPoolBackward(e: Engine, dy: Tensor, argmax: Tensor, info: Pool2DInfo): Tensor {
  return e.tensor(e.backend.maxPoolBackward(dy.handle, argmax.handle, info), info.inShape);
}

export function activationBackward(e: Engine, dy: Tensor, y: Tensor, kind: ActivationKind): Tensor {
  return e.tensor(e.backend.activationBackward(dy.handle, y.handle, y.size, kind), y.shape);
}

/** Sums dy over every axis but the last. */
export function biasGrad(e: Engine, dy: Tensor): Tensor {
  const channels = dy.shape[dy.shape.length - 1]!;
  return e.tensor(e.backend.biasGrad(dy.handle, dy.size / channels, channels), [channels]);
}

export function loss(e: Engine, input: Tensor, labels: Tensor, info: LossInfo): { loss: Tensor; correct: Tensor; gradient: Tensor } {
  const r = e.backend.loss(input.handle, labels.handle, info);
  return { loss: e.tensor(r.loss, []), correct: e.tensor(r.correct, []), gradient: e.tensor(r.gradient, input.shape) };
}

/** Updates `param` (and `velocity`) in place from the caller's point of view. */
export function sgdUpdate(e: Engine, param: Tensor, grad: Tensor, velocity: Tensor | null, info: SgdInfo): void {
  const r = e.backend.sgdUpdate(param.handle, grad.handle, velocity?.handle ?? null, info);
  param.replaceHandle(r.param);
  if (velocity && r.velocity) velocity.replaceHandle(r.velocity);
}

/** Updates `param`, `m` (Adam) and `v` in place from the caller's point of view. */
export function adaptiveUpdate(e: Engine, param: Tensor, grad: Tensor, m: Tensor | null, v: Tensor, info: AdaptiveInfo): void {
  const r = e.backend.adaptiveUpdate(param.handle, grad.handle, m?.handle ?? null, v.handle, info);
  param.replaceHandle(r.param);
  if (m && r.m) m.replaceHandle(r.m);
  v.replaceHandle(r.v);
}
