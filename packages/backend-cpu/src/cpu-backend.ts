import {
  BACKEND_API_VERSION,
  ShapeError,
  sizeOf,
  type ActivationKind,
  type Backend,
  type BackendMemory,
  type Conv2DInfo,
  type LossInfo,
  type LossResult,
  type MatMulInfo,
  type Pool2DInfo,
  type SgdInfo,
  type SgdResult,
} from '@lenet-ts/core';
import { activationBackward, applyActivation, assertActivationKind, softmaxRows } from './activation.js';
import { biasGrad } from './bias.js';
import { Convolution } from './conv2d.js';
import { gemm, MatrixPanels } from './gemm.js';
import { assertLossInputs, lossAndGradient } from './loss.js';
import { HandleRegistry } from './memory.js';
import { assertArgmaxExact, maxPool, maxPoolBackward } from './pool.js';
import { ScratchBuffers } from './scratch.js';
import { sgdStep } from './sgd.js';

/** Options of the pure TypeScript backend; none yet (a worker count is the planned one). */
export interface CpuBackendOptions {}

/** Thrown when a handle is used after dispose, after close, or was never made by this backend. */
export class CpuHandleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CpuHandleError';
  }
}

/** The reference backend: every primitive on Float32Array handles in one thread of plain TypeScript. */
export class CpuBackend implements Backend<Float32Array> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name = 'cpu';
  readonly description = 'pure TypeScript (1 thread)';

  private readonly registry = new HandleRegistry();
  private readonly scratch = new ScratchBuffers();
  private readonly convolution = new Convolution(this.scratch);
  private readonly left = new MatrixPanels();
  private readonly right = new MatrixPanels();
  private closed = false;

  constructor(_options: CpuBackendOptions = {}) {}

  upload(data: Float32Array): Float32Array {
    this.assertOpen();
    return this.registry.adopt(data.slice());
  }

  read(handle: Float32Array): Promise<Float32Array> {
    try {
      this.assertOpen();
      this.assertLive(handle, 'read');
      return Promise.resolve(handle.slice());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  dispose(handle: Float32Array): void {
    this.registry.release(handle);
  }

  memory(): BackendMemory {
    return { handles: this.registry.handles, bytes: this.registry.bytes };
  }

  conv2d(x: Float32Array, filter: Float32Array, bias: Float32Array | null, info: Conv2DInfo, activation: ActivationKind): Float32Array {
    this.input(x, sizeOf(info.inShape), 'conv2d input');
    this.input(filter, sizeOf(info.filterShape), 'conv2d filter');
    if (bias !== null) this.input(bias, info.outChannels, 'conv2d bias');
    assertActivationKind(activation);
    const y = this.output(sizeOf(info.outShape));
    this.convolution.forward(x, filter, bias, info, activation, y);
    return y;
  }

  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, info: MatMulInfo, activation: ActivationKind): Float32Array {
    const { m, k, n } = info;
    this.input(a, m * k, 'matMul a');
    this.input(b, k * n, 'matMul b');
    if (bias !== null) this.input(bias, n, 'matMul bias');
    assertActivationKind(activation);
    const c = this.output(m * n);
    gemm(m, n, k, this.left.set(a, m, k, info.transposeA), this.right.set(b, n, k, !info.transposeB), c, bias, activation, this.scratch);
    return c;
  }

  maxPool(x: Float32Array, info: Pool2DInfo): { readonly y: Float32Array; readonly argmax: Float32Array } {
    this.input(x, sizeOf(info.inShape), 'maxPool input');
    assertArgmaxExact(info);
    const size = sizeOf(info.outShape);
    const y = this.output(size);
    const argmax = this.output(size);
    maxPool(x, info, y, argmax);
    return { y, argmax };
  }

  activation(x: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.input(x, size, 'activation input');
    assertActivationKind(kind);
    const y = this.output(size);
    applyActivation(x, y, size, kind);
    return y;
  }

  softmax(x: Float32Array, rows: number, cols: number): Float32Array {
    this.input(x, rows * cols, 'softmax input');
    const y = this.output(rows * cols);
    softmaxRows(x, y, rows, cols);
    return y;
  }

  conv2dBackwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
    this.input(dy, sizeOf(info.outShape), 'conv2dBackwardInput dy');
    this.input(filter, sizeOf(info.filterShape), 'conv2dBackwardInput filter');
    const dx = this.output(sizeOf(info.inShape));
    this.convolution.backwardInput(dy, filter, info, dx);
    return dx;
  }

  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
    this.input(x, sizeOf(info.inShape), 'conv2dBackwardFilter input');
    this.input(dy, sizeOf(info.outShape), 'conv2dBackwardFilter dy');
    const dfilter = this.output(sizeOf(info.filterShape));
    this.convolution.backwardFilter(x, dy, info, dfilter);
    return dfilter;
  }

  maxPoolBackward(dy: Float32Array, argmax: Float32Array, info: Pool2DInfo): Float32Array {
    const size = sizeOf(info.outShape);
    this.input(dy, size, 'maxPoolBackward dy');
    this.input(argmax, size, 'maxPoolBackward argmax');
    const dx = this.output(sizeOf(info.inShape));
    maxPoolBackward(dy, argmax, dx, size);
    return dx;
  }

  activationBackward(dy: Float32Array, y: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.input(dy, size, 'activationBackward dy');
    this.input(y, size, 'activationBackward y');
    assertActivationKind(kind);
    const dx = this.output(size);
    activationBackward(dy, y, dx, size, kind);
    return dx;
  }

  biasGrad(dy: Float32Array, rows: number, channels: number): Float32Array {
    this.input(dy, rows * channels, 'biasGrad dy');
    const out = this.output(channels);
    biasGrad(dy, rows, channels, this.scratch.float64('bias.sums', channels), out);
    return out;
  }

  loss(input: Float32Array, labels: Float32Array, info: LossInfo): LossResult<Float32Array> {
    this.input(input, info.batch * info.classes, 'loss input');
    this.input(labels, info.batch, 'loss labels');
    assertLossInputs(labels, info);
    const gradient = this.output(info.batch * info.classes);
    const { loss, correct } = lossAndGradient(input, labels, info, gradient);
    const lossHandle = this.output(1);
    lossHandle[0] = loss;
    const correctHandle = this.output(1);
    correctHandle[0] = correct;
    return { loss: lossHandle, correct: correctHandle, gradient };
  }

  sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, info: SgdInfo): SgdResult<Float32Array> {
    this.input(param, info.size, 'sgdUpdate param');
    this.input(grad, info.size, 'sgdUpdate grad');
    if (info.momentum === 0) {
      sgdStep(param, grad, null, info);
      return { param, velocity: null };
    }
    // Keras starts the velocity at zero; a caller without one yet gets a fresh handle it then owns.
    const v = velocity === null ? this.output(info.size) : this.input(velocity, info.size, 'sgdUpdate velocity');
    sgdStep(param, grad, v, info);
    return { param, velocity: v };
  }

  close(): void {
    this.closed = true;
    this.scratch.clear();
  }

  private output(size: number): Float32Array {
    this.assertOpen();
    return this.registry.allocate(size);
  }

  private input(handle: Float32Array, size: number, what: string): Float32Array {
    this.assertLive(handle, what);
    if (handle.length !== size) throw new ShapeError(`cpu backend: ${what} has ${handle.length} elements, expected ${size}`);
    return handle;
  }

  private assertLive(handle: Float32Array, what: string): void {
    if (!this.registry.isLive(handle)) {
      throw new CpuHandleError(`cpu backend: ${what} is disposed or was not made by this backend; keep handles alive until their last use`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new CpuHandleError('cpu backend: used after close(); create a new backend');
  }
}

export function createCpuBackend(options: CpuBackendOptions = {}): Backend<Float32Array> {
  return new CpuBackend(options);
}
