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
  type AdaptiveInfo,
  type AdaptiveResult,
  type SgdResult,
  assertElements,
  HandleError,
  HandleRegistry,
  primitiveInputs,
} from '@lenet-ts/core';
import { MAX_ELEMENTS, type Device, type GpujsMode } from './devices/device.js';
import type { BufferPoolStats } from './devices/webgpu-buffer-pool.js';
import { GpujsHandle } from './handle.js';
import { conv2dBackwardFilterPartialSpec, conv2dBackwardInputSpec, conv2dForwardSpec } from './kernels/conv2d.js';
import { activationBackwardSpec, activationSpec, softmaxSpec } from './kernels/elementwise.js';
import { ACTIVATION_CODES, type KernelSpec } from './kernels/kernel-spec.js';
import { isLossKind, lossGradientSpec, rowCorrectSpec, rowLossSpec, totalSpec } from './kernels/loss.js';
import { matMulSpec } from './kernels/mat-mul.js';
import { maxPoolBackwardSpec, maxPoolSpec } from './kernels/max-pool.js';
import { columnSumPartialSpec, sumPartialsSpec } from './kernels/reduce.js';
import { adaptiveParamSpec, firstMomentSpec, secondMomentSpec } from './kernels/adaptive.js';
import { sgdMomentumParamSpec, sgdPlainSpec, sgdVelocitySpec } from './kernels/sgd.js';

/** A mode that was tried and not used, and why. */
export interface UnavailableMode {
  readonly mode: GpujsMode;
  readonly reason: string;
}

/**
 * Every Backend primitive as gpu.js kernels, one kernel per (operation, shape), compiled on first use.
 * Data stays on the device between primitives (pipeline textures on GL, buffers on WebGPU); only upload
 * and read cross. Results are immutable: every primitive, sgdUpdate included, returns new handles.
 */
export class GpujsBackend implements Backend<GpujsHandle> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name = 'gpujs';
  readonly description: string;
  /** The gpu.js mode that actually runs the kernels. */
  readonly mode: GpujsMode;
  /**
   * Whether the kernels run on a GPU: true on a hardware WebGPU adapter, false on the CPU (webasm, cpu, a
   * software adapter such as llvmpipe), null where the mode cannot tell (headless-gl hides its renderer).
   */
  readonly hardware: boolean | null;

  private readonly registry = new HandleRegistry<GpujsHandle>('gpujs');
  /** A one-element zero for kernels whose optional bias is absent; not counted as a live handle. */
  private zero: GpujsHandle | null = null;
  private closed = false;

  /** @internal Use `createGpujsBackend`. */
  constructor(
    private readonly device: Device,
    /** Modes tried before this one (auto), with the reason each was not used. */
    readonly unavailable: readonly UnavailableMode[],
    /** auto looked for a GPU and found none. */
    noGpuFound = false,
  ) {
    this.mode = device.mode;
    this.hardware = device.hardware;
    this.description = describe(device, unavailable, noGpuFound);
  }

  upload(data: Float32Array): GpujsHandle {
    this.assertOpen();
    assertAddressable(data.length, 'upload');
    return this.adopt(this.device.upload(data), data.length);
  }

  read(handle: GpujsHandle): Promise<Float32Array> {
    try {
      this.assertOpen();
      this.assertLive(handle, 'read');
      return this.device.read(handle.data, handle.size);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  dispose(handle: GpujsHandle): void {
    if (this.registry.delete(handle)) this.device.release(handle.data);
  }

  memory(): BackendMemory {
    return { handles: this.registry.handles, bytes: this.registry.bytes };
  }

  /** Kernels compiled so far: constant once every shape of a training step has run. */
  compiledKernels(): number {
    return this.device.compiledKernels();
  }

  /** Live textures and framebuffers in the GL context (headlessgl, webgl2, webgl), else null. */
  glObjects(): { readonly textures: number; readonly framebuffers: number } | null {
    return this.device.glObjects();
  }

  /** Kernel-output storage buffers of the WebGPU device, pooled and reused (webgpu), else null. */
  deviceBuffers(): BufferPoolStats | null {
    return this.device.deviceBuffers();
  }

  conv2d(x: GpujsHandle, filter: GpujsHandle, bias: GpujsHandle | null, info: Conv2DInfo, activation: ActivationKind): GpujsHandle {
    this.inputs.conv2d(x, filter, bias, info);
    return this.run(conv2dForwardSpec(info, bias !== null, checkActivation(activation)), [x, filter, bias ?? this.zeroHandle()]);
  }

  matMul(a: GpujsHandle, b: GpujsHandle, bias: GpujsHandle | null, info: MatMulInfo, activation: ActivationKind): GpujsHandle {
    this.inputs.matMul(a, b, bias, info);
    return this.run(matMulSpec(info, bias !== null, checkActivation(activation)), [a, b, bias ?? this.zeroHandle()]);
  }

  maxPool(x: GpujsHandle, info: Pool2DInfo): { readonly y: GpujsHandle; readonly argmax: GpujsHandle } {
    this.inputs.maxPool(x, info);
    const y = this.run(maxPoolSpec(info, 'max'), [x]);
    return { y, argmax: this.run(maxPoolSpec(info, 'argmax'), [x]) };
  }

  activation(x: GpujsHandle, size: number, kind: ActivationKind): GpujsHandle {
    this.inputs.activation(x, size);
    return this.run(activationSpec(size, checkActivation(kind)), [x]);
  }

  softmax(x: GpujsHandle, rows: number, cols: number): GpujsHandle {
    this.inputs.softmax(x, rows, cols);
    return this.run(softmaxSpec(rows, cols), [x]);
  }

  conv2dBackwardInput(dy: GpujsHandle, filter: GpujsHandle, info: Conv2DInfo): GpujsHandle {
    this.inputs.conv2dBackwardInput(dy, filter, info);
    return this.run(conv2dBackwardInputSpec(info), [dy, filter]);
  }

  conv2dBackwardFilter(x: GpujsHandle, dy: GpujsHandle, info: Conv2DInfo): GpujsHandle {
    this.inputs.conv2dBackwardFilter(x, dy, info);
    const { spec, partials } = conv2dBackwardFilterPartialSpec(info);
    return this.reduce(spec, partials, sizeOf(info.filterShape), [x, dy]);
  }

  maxPoolBackward(dy: GpujsHandle, argmax: GpujsHandle, info: Pool2DInfo): GpujsHandle {
    this.inputs.maxPoolBackward(dy, argmax, info);
    return this.run(maxPoolBackwardSpec(info), [dy, argmax]);
  }

  activationBackward(dy: GpujsHandle, y: GpujsHandle, size: number, kind: ActivationKind): GpujsHandle {
    this.inputs.activationBackward(dy, y, size);
    return this.run(activationBackwardSpec(size, checkActivation(kind)), [dy, y]);
  }

  biasGrad(dy: GpujsHandle, rows: number, channels: number): GpujsHandle {
    this.inputs.biasGrad(dy, rows, channels);
    const { spec, partials } = columnSumPartialSpec(rows, channels);
    return this.reduce(spec, partials, channels, [dy]);
  }

  loss(input: GpujsHandle, labels: GpujsHandle, info: LossInfo): LossResult<GpujsHandle> {
    if (!isLossKind(info.kind)) {
      throw new Error(`gpujs backend: unknown loss '${String(info.kind)}'; expected sparse-categorical-crossentropy or softmax-cross-entropy`);
    }
    this.inputs.loss(input, labels, info);
    const gradient = this.run(lossGradientSpec(info), [input, labels]);
    const rowLosses = this.run(rowLossSpec(info), [input, labels]);
    const rowCorrect = this.run(rowCorrectSpec(info), [input, labels]);
    try {
      return {
        loss: this.run(totalSpec(info.batch, info.batch), [rowLosses]),
        correct: this.run(totalSpec(info.batch, 1), [rowCorrect]),
        gradient,
      };
    } finally {
      this.dispose(rowLosses);
      this.dispose(rowCorrect);
    }
  }

  sgdUpdate(param: GpujsHandle, grad: GpujsHandle, velocity: GpujsHandle | null, info: SgdInfo): SgdResult<GpujsHandle> {
    this.inputs.sgdUpdate(param, grad, velocity, info);
    const scalars = [info.learningRate, info.momentum];
    if (info.momentum === 0) {
      return { param: this.run(sgdPlainSpec(info.size), [param, grad], [info.learningRate]), velocity: null };
    }
    // Keras starts the velocity at zero; a caller without one yet gets a fresh handle it then owns.
    const v = velocity === null ? this.upload(new Float32Array(info.size)) : velocity;
    try {
      return {
        param: this.run(sgdMomentumParamSpec(info.size, info.nesterov), [param, v, grad], scalars),
        velocity: this.run(sgdVelocitySpec(info.size), [v, grad], scalars),
      };
    } finally {
      if (velocity === null) this.dispose(v);
    }
  }

  /** Keras Adam (m given) or RMSprop (m null): new handles for v, m and the parameter, as sgdUpdate. */
  adaptiveUpdate(param: GpujsHandle, grad: GpujsHandle, m: GpujsHandle | null, v: GpujsHandle, info: AdaptiveInfo): AdaptiveResult<GpujsHandle> {
    this.inputs.adaptiveUpdate(param, grad, m, v, info);
    const nextV = this.run(secondMomentSpec(info.size), [v, grad], [info.beta2, 1 - info.beta2]);
    let nextM: GpujsHandle | null = null;
    try {
      if (m !== null) nextM = this.run(firstMomentSpec(info.size), [m, grad], [info.beta1, 1 - info.beta1]);
      const nextParam = this.run(adaptiveParamSpec(info.size), [param, nextM ?? grad, nextV], [info.learningRate, info.epsilon]);
      return { param: nextParam, m: nextM, v: nextV };
    } catch (error) {
      // A kernel that fails part way must not leak the moments already computed.
      this.dispose(nextV);
      if (nextM) this.dispose(nextM);
      throw error;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handle of this.registry.drain()) this.device.release(handle.data);
    if (this.zero) this.device.release(this.zero.data);
    this.zero = null;
    this.device.close();
  }

  /** Runs one kernel over live handles and counts its result. */
  private run(spec: KernelSpec, inputs: readonly GpujsHandle[], scalars: readonly number[] = []): GpujsHandle {
    this.assertOpen();
    assertAddressable(spec.size, spec.name);
    return this.adopt(
      this.device.run(
        spec,
        inputs.map((h) => h.data),
        scalars,
      ),
      spec.size,
    );
  }

  /** A split reduction: partial sums, then one kernel that adds the partials (skipped when there is one). */
  private reduce(partialSpec: KernelSpec, partials: number, size: number, inputs: readonly GpujsHandle[]): GpujsHandle {
    const partial = this.run(partialSpec, inputs);
    if (partials === 1) return partial;
    try {
      return this.run(sumPartialsSpec(partials, size), [partial]);
    } finally {
      this.dispose(partial);
    }
  }

  private adopt(result: { readonly data: unknown; readonly bytes: number }, size: number): GpujsHandle {
    const handle = new GpujsHandle(size, result.data, result.bytes);
    return this.registry.add(handle, handle.bytes);
  }

  private zeroHandle(): GpujsHandle {
    if (!this.zero) {
      const result = this.device.upload(new Float32Array(1));
      this.zero = new GpujsHandle(1, result.data, result.bytes);
    }
    return this.zero;
  }

  /** Every primitive's inputs, checked live and of the size the geometry says (core declares which). */
  private readonly inputs = primitiveInputs<GpujsHandle>((handle, size, what) => {
    this.assertOpen();
    this.assertLive(handle, what);
    assertElements('gpujs', what, handle.size, size);
  });

  private assertLive(handle: GpujsHandle, what: string): void {
    if (!(handle instanceof GpujsHandle)) throw HandleError.disposed('gpujs', what);
    this.registry.assertLive(handle, what);
  }

  private assertOpen(): void {
    if (this.closed) throw HandleError.closed('gpujs');
  }
}

function checkActivation(kind: ActivationKind): ActivationKind {
  if (!Object.hasOwn(ACTIVATION_CODES, kind)) {
    throw new Error(`gpujs backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
  }
  return kind;
}

function assertAddressable(size: number, what: string): void {
  if (size >= MAX_ELEMENTS) {
    throw new ShapeError(
      `gpujs backend: ${what} needs ${size} elements; gpu.js indexes in float32, so tensors must stay below ${MAX_ELEMENTS} elements (use a smaller batch)`,
    );
  }
}

/** What each mode's kernels are, when the device names no renderer or adapter. */
const KERNELS: Readonly<Record<GpujsMode, string>> = {
  webgpu: 'WebGPU kernels',
  webgl2: 'WebGL2 kernels',
  webgl: 'WebGL kernels',
  headlessgl: 'WebGL kernels through headless-gl',
  webasm: 'WebAssembly kernels',
  cpu: 'plain JavaScript kernels',
};

/**
 * "on NVIDIA ... [hardware, core level]" (webgpu), or from auto without a GPU "WebAssembly kernels, no GPU
 * found (webgpu unavailable: only a software adapter, llvmpipe ...)".
 */
function describe(device: Device, unavailable: readonly UnavailableMode[], noGpuFound: boolean): string {
  // The mode itself is in the backend's id (`gpujs:webasm`); this says what it runs on.
  const head = `${device.detail ? `on ${device.detail}` : KERNELS[device.mode]}${noGpuFound ? ', no GPU found' : ''}`;
  if (unavailable.length === 0) return head;
  return `${head} (${unavailable.map((u) => `${u.mode} unavailable: ${u.reason}`).join('; ')})`;
}
