import type { AdaptiveInfo, LossInfo, SgdInfo } from './backend.js';
import { ShapeError, sizeOf, type Conv2DInfo, type MatMulInfo, type Pool2DInfo } from './geometry.js';

/** A backend's own check of one input handle: live, and holding `elements` floats (see `assertElements`). */
export type InputCheck<H> = (handle: H, elements: number, what: string) => void;

/** The one wording of a wrong-size input, e.g. `cpu backend: matMul a has 30720 elements, expected 7840`. */
export function assertElements(backend: string, what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new ShapeError(`${backend} backend: ${what} has ${actual} elements, expected ${expected}`);
}

/**
 * What every primitive's inputs must hold, declared once from the geometry: a backend calls
 * `inputs.conv2d(x, filter, bias, info)` at the top of its conv2d and each handle goes through its `check`.
 */
export function primitiveInputs<H>(check: InputCheck<H>) {
  return {
    conv2d(x: H, filter: H, bias: H | null, info: Conv2DInfo): void {
      check(x, sizeOf(info.inShape), 'conv2d input');
      check(filter, sizeOf(info.filterShape), 'conv2d filter');
      if (bias !== null) check(bias, info.outChannels, 'conv2d bias');
    },
    matMul(a: H, b: H, bias: H | null, info: MatMulInfo): void {
      check(a, info.m * info.k, 'matMul a');
      check(b, info.k * info.n, 'matMul b');
      if (bias !== null) check(bias, info.n, 'matMul bias');
    },
    maxPool(x: H, info: Pool2DInfo): void {
      check(x, sizeOf(info.inShape), 'maxPool input');
    },
    activation(x: H, size: number): void {
      check(x, size, 'activation input');
    },
    softmax(x: H, rows: number, cols: number): void {
      check(x, rows * cols, 'softmax input');
    },
    conv2dBackwardInput(dy: H, filter: H, info: Conv2DInfo): void {
      check(dy, sizeOf(info.outShape), 'conv2dBackwardInput dy');
      check(filter, sizeOf(info.filterShape), 'conv2dBackwardInput filter');
    },
    conv2dBackwardFilter(x: H, dy: H, info: Conv2DInfo): void {
      check(x, sizeOf(info.inShape), 'conv2dBackwardFilter input');
      check(dy, sizeOf(info.outShape), 'conv2dBackwardFilter dy');
    },
    maxPoolBackward(dy: H, argmax: H, info: Pool2DInfo): void {
      check(dy, sizeOf(info.outShape), 'maxPoolBackward dy');
      check(argmax, sizeOf(info.outShape), 'maxPoolBackward argmax');
    },
    activationBackward(dy: H, y: H, size: number): void {
      check(dy, size, 'activationBackward dy');
      check(y, size, 'activationBackward y');
    },
    biasGrad(dy: H, rows: number, channels: number): void {
      check(dy, rows * channels, 'biasGrad dy');
    },
    loss(input: H, labels: H, info: LossInfo): void {
      check(input, info.batch * info.classes, 'loss input');
      check(labels, info.batch, 'loss labels');
    },
    sgdUpdate(param: H, grad: H, velocity: H | null, info: SgdInfo): void {
      check(param, info.size, 'sgdUpdate param');
      check(grad, info.size, 'sgdUpdate grad');
      if (velocity !== null) check(velocity, info.size, 'sgdUpdate velocity');
    },
    adaptiveUpdate(param: H, grad: H, m: H | null, v: H, info: AdaptiveInfo): void {
      check(param, info.size, 'adaptiveUpdate param');
      check(grad, info.size, 'adaptiveUpdate grad');
      // Adam needs its first moment and RMSprop has none: a mix-up is a wiring bug, not a size problem.
      if ((m === null) !== (info.kind === 'rmsprop')) throw new Error(`adaptiveUpdate ${info.kind} ${info.kind === 'adam' ? 'needs m' : 'takes m = null'}`);
      if (m !== null) check(m, info.size, 'adaptiveUpdate m');
      check(v, info.size, 'adaptiveUpdate v');
    },
  };
}

/** The checks of one backend, as `primitiveInputs` makes them. */
export type PrimitiveInputs<H> = ReturnType<typeof primitiveInputs<H>>;
