/*
 * Where each primitive is computed. A primitive that threads share is encoded as Task.<primitive>
 * (task.ts), cut into chunks (chunk-scheduler.ts), claimed chunk by chunk by the calling thread and the
 * workers (thread-pool.ts, worker.ts, chunk-claims.ts), decoded by Executor.<primitive> (executor.ts),
 * and computed by the kernels below. The rest run on the calling thread. Checked by primitive-table.test.ts.
 *
 * primitive            | chunks of              | kernels (file)
 * ---------------------|------------------------|---------------------------------------------------------
 * conv2d               | samples                | Convolution.conv2d (conv2d.ts), forward4x3 forward3x4 (conv-kernels.ts), activateInto (activation.ts)
 * conv2dBackwardInput  | samples                | Convolution.conv2dBackwardInput (conv2d.ts), inputGradient4x3 (conv-kernels.ts), inputGradient12 inputGradient4 (conv-sparse.ts)
 * conv2dBackwardFilter | 512 pixels, summed here | Convolution.conv2dBackwardFilterPartial (conv2d.ts), filterGradient4x3 filterGradient3x4 (conv-kernels.ts), filterGradient12 filterGradient4 (conv-sparse.ts)
 * matMul               | rows or columns of c   | gemm (gemm.ts), applyBiasActivation (activation.ts)
 * maxPool              | samples                | maxPool (pool.ts)
 * maxPoolBackward      | samples                | maxPoolBackward (pool.ts)
 * activation           | elements               | applyActivation (activation.ts)
 * activationBackward   | elements               | activationBackward (activation.ts)
 * biasGrad             | 2048 rows, summed here | biasGradPartial (bias.ts)
 * sgdUpdate            | elements               | sgdUpdate (sgd.ts)
 * adaptiveUpdate       | elements               | adaptiveUpdate (adaptive.ts)
 * softmax              | - (calling thread)     | softmaxRows (activation.ts)
 * loss                 | - (calling thread)     | assertLossInputs lossAndGradient (loss.ts)
 * upload read dispose memory | - (calling thread) | PooledHandles (memory.ts), SharedMemory (shared-memory.ts)
 */
import {
  BACKEND_API_VERSION,
  ShapeError,
  sizeOf,
  type ActivationKind,
  type AdaptiveInfo,
  type AdaptiveResult,
  type Backend,
  type BackendMemory,
  type Conv2DInfo,
  type LossInfo,
  type LossResult,
  type MatMulInfo,
  type Pool2DInfo,
  type SgdInfo,
  type SgdResult,
  assertElements,
  HandleError,
  primitiveInputs,
} from '@lenet-ts/core';
import { assertActivationKind, softmaxRows } from './activation.js';
import { BIAS_GRADIENT_CHUNK, ChunkScheduler, FILTER_GRADIENT_CHUNK, worthSharingElements, worthSharingFlops } from './chunk-scheduler.js';
import { Executor } from './executor.js';
import { MR, NR } from './gemm.js';
import { assertLossInputs, lossAndGradient } from './loss.js';
import { PooledHandles } from './memory.js';
import { MAX_POOL_INPUT } from './pool.js';
import { SharedMemory } from './shared-memory.js';
import { activationCode, Task, TaskBlock } from './task.js';
import type { CpuRuntime, TaskRunner } from './task-runner.js';

export interface CpuBackendOptions {
  /**
   * Threads that compute, the calling one included (default: os.availableParallelism()). 1 runs
   * everything on the calling thread with no workers. Results are bit-identical for every count.
   */
  readonly threads?: number;
}

/**
 * The pure TypeScript backend: Float32Array handles over SharedArrayBuffers, each primitive cut into
 * chunks that the calling thread and `threads - 1` worker threads run together. Every output element is
 * computed by the same float operations in the same order whatever the thread count; the two sums that
 * cross chunks (filter and bias gradients) add fixed-size chunks' float64 partial sums in chunk order.
 */
export class CpuBackend implements Backend<Float32Array> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name = 'cpu';
  readonly description: string;
  readonly threads: number;

  private readonly shared: SharedMemory;
  private readonly registry: PooledHandles;
  private readonly block = new TaskBlock();
  private readonly scheduler: ChunkScheduler;
  private readonly pool: TaskRunner;
  /** Shared float64 memory for partial sums; grows, never shrinks. */
  private partialId = -1;
  private closed = false;

  /** `runtime` says where the other threads come from: Node's worker_threads, or none in a page (see create-*.ts). */
  constructor(options: CpuBackendOptions, runtime: CpuRuntime) {
    const threads = options.threads ?? runtime.defaultThreads();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`cpu backend: threads must be a positive integer, got ${threads}`);
    const limit = runtime.maxThreads();
    if (threads > limit.threads) throw new RangeError(`cpu backend: ${threads} threads asked, but ${limit.reason}; use threads: ${limit.threads}`);
    this.threads = threads;
    this.description = `pure TypeScript (${threads} thread${threads === 1 ? '' : 's'}${runtime.where(threads)})`;
    this.shared = new SharedMemory((id, buffer) => this.pool.announce(id, buffer));
    this.registry = new PooledHandles(this.shared);
    this.scheduler = new ChunkScheduler(threads);
    this.pool = runtime.createRunner(threads, new Executor(this.block, this.shared), this.shared, this.block.shared);
  }

  upload(data: Float32Array): Float32Array {
    const handle = this.output(data.length);
    handle.set(data);
    return handle;
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
    this.inputs.conv2d(x, filter, bias, info);
    assertActivationKind(activation);
    const y = this.output(sizeOf(info.outShape));
    const flops = 2 * sizeOf(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
    const plan = this.scheduler.split(info.batch, 1, worthSharingFlops(flops));
    Task.conv2d.encode(this.block, this.registry, plan, { x, filter, bias, y, activation: activationCode(activation), geometry: info });
    this.pool.run(plan);
    return y;
  }

  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, info: MatMulInfo, activation: ActivationKind): Float32Array {
    const { m, k, n } = info;
    this.inputs.matMul(a, b, bias, info);
    assertActivationKind(activation);
    const c = this.output(m * n);
    // Split the longer side of C: each chunk packs the other operand whole.
    const splitColumns = n > m;
    const plan = this.scheduler.split(splitColumns ? n : m, splitColumns ? NR : MR, worthSharingFlops(2 * m * n * k));
    Task.matMul.encode(this.block, this.registry, plan, {
      a,
      b,
      bias,
      c,
      activation: activationCode(activation),
      m,
      k,
      n,
      transposeA: info.transposeA ? 1 : 0,
      transposeB: info.transposeB ? 1 : 0,
      splitColumns: splitColumns ? 1 : 0,
    });
    this.pool.run(plan);
    return c;
  }

  maxPool(x: Float32Array, info: Pool2DInfo): { readonly y: Float32Array; readonly argmax: Float32Array } {
    const inSize = sizeOf(info.inShape);
    this.inputs.maxPool(x, info);
    if (inSize > MAX_POOL_INPUT) {
      throw new ShapeError(
        `cpu backend: max pooling input of ${inSize} elements is too large for float32 argmax indices (max ${MAX_POOL_INPUT}); use a smaller batch`,
      );
    }
    const size = sizeOf(info.outShape);
    const y = this.output(size);
    const argmax = this.output(size);
    const plan = this.scheduler.split(info.batch, 1, worthSharingElements(inSize));
    Task.maxPool.encode(this.block, this.registry, plan, { x, y, argmax, geometry: info });
    this.pool.run(plan);
    return { y, argmax };
  }

  activation(x: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.inputs.activation(x, size);
    assertActivationKind(kind);
    const y = this.output(size);
    const plan = this.scheduler.splitElementwise(size);
    Task.activation.encode(this.block, this.registry, plan, { x, y, activation: activationCode(kind) });
    this.pool.run(plan);
    return y;
  }

  softmax(x: Float32Array, rows: number, cols: number): Float32Array {
    this.inputs.softmax(x, rows, cols);
    const y = this.output(rows * cols);
    softmaxRows(x, y, rows, cols);
    return y;
  }

  conv2dBackwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
    this.inputs.conv2dBackwardInput(dy, filter, info);
    const dx = this.output(sizeOf(info.inShape));
    const flops = 2 * sizeOf(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
    // Whole samples per chunk: a sample's windows overlap, so its dx must be summed by one thread.
    const plan = this.scheduler.split(info.batch, 1, worthSharingFlops(flops));
    Task.conv2dBackwardInput.encode(this.block, this.registry, plan, { dy, filter, dx, geometry: info });
    this.pool.run(plan);
    return dx;
  }

  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
    this.inputs.conv2dBackwardFilter(x, dy, info);
    const pixels = info.batch * info.outHeight * info.outWidth;
    const patch = info.filterHeight * info.filterWidth * info.inChannels;
    const filters = info.outChannels;
    const size = patch * filters;
    const plan = this.scheduler.splitFixed(pixels, FILTER_GRADIENT_CHUNK, worthSharingFlops(2 * pixels * size), 'conv2dBackwardFilter');
    const chunks = plan.chunks;
    const dfilter = this.output(size);
    const partialId = this.partials(chunks * size);
    Task.conv2dBackwardFilter.encode(this.block, this.registry, plan, { x, dy, partial: partialId, geometry: info });
    this.pool.run(plan);
    // The chunks' partial sums added in chunk order: the same bits for any thread count.
    const partial = this.shared.float64(partialId);
    for (let e = 0; e < patch; e++) {
      for (let f = 0; f < filters; f++) {
        let sum = 0;
        for (let c = 0, i = e * filters + f; c < chunks; c++, i += size) sum += partial[i]!;
        dfilter[e * filters + f] = sum;
      }
    }
    return dfilter;
  }

  maxPoolBackward(dy: Float32Array, argmax: Float32Array, info: Pool2DInfo): Float32Array {
    this.inputs.maxPoolBackward(dy, argmax, info);
    const inSize = sizeOf(info.inShape);
    const dx = this.output(inSize);
    const plan = this.scheduler.split(info.batch, 1, worthSharingElements(inSize));
    Task.maxPoolBackward.encode(this.block, this.registry, plan, { dy, argmax, dx, geometry: info });
    this.pool.run(plan);
    return dx;
  }

  activationBackward(dy: Float32Array, y: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.inputs.activationBackward(dy, y, size);
    assertActivationKind(kind);
    const dx = this.output(size);
    const plan = this.scheduler.splitElementwise(size);
    Task.activationBackward.encode(this.block, this.registry, plan, { dy, y, dx, activation: activationCode(kind) });
    this.pool.run(plan);
    return dx;
  }

  biasGrad(dy: Float32Array, rows: number, channels: number): Float32Array {
    this.inputs.biasGrad(dy, rows, channels);
    const plan = this.scheduler.splitFixed(rows, BIAS_GRADIENT_CHUNK, worthSharingElements(rows * channels), 'biasGrad');
    const chunks = plan.chunks;
    const out = this.output(channels);
    const partialId = this.partials(chunks * channels);
    Task.biasGrad.encode(this.block, this.registry, plan, { dy, partial: partialId, channels });
    this.pool.run(plan);
    // The chunks' partial sums added in chunk order: the same bits for any thread count.
    const partial = this.shared.float64(partialId);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let chunk = 0, i = c; chunk < chunks; chunk++, i += channels) sum += partial[i]!;
      out[c] = sum;
    }
    return out;
  }

  loss(input: Float32Array, labels: Float32Array, info: LossInfo): LossResult<Float32Array> {
    this.inputs.loss(input, labels, info);
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
    this.inputs.sgdUpdate(param, grad, velocity, info);
    let v: Float32Array | null = null;
    if (info.momentum !== 0) {
      // Keras starts the velocity at zero; a caller without one yet gets a fresh handle it then owns.
      v = velocity === null ? this.output(info.size).fill(0) : velocity;
    }
    const plan = this.scheduler.splitElementwise(info.size);
    Task.sgdUpdate.encode(this.block, this.registry, plan, {
      param,
      grad,
      velocity: v,
      nesterov: info.nesterov ? 1 : 0,
      learningRate: info.learningRate,
      momentum: info.momentum,
    });
    this.pool.run(plan);
    return { param, velocity: v };
  }

  adaptiveUpdate(param: Float32Array, grad: Float32Array, m: Float32Array | null, v: Float32Array, info: AdaptiveInfo): AdaptiveResult<Float32Array> {
    this.inputs.adaptiveUpdate(param, grad, m, v, info);
    const plan = this.scheduler.splitElementwise(info.size);
    Task.adaptiveUpdate.encode(this.block, this.registry, plan, {
      param,
      grad,
      m,
      v,
      kind: info.kind === 'adam' ? 0 : 1,
      learningRate: info.learningRate,
      beta1: info.beta1,
      beta2: info.beta2,
      epsilon: info.epsilon,
    });
    this.pool.run(plan);
    return { param, m, v };
  }

  /**
   * Starts the worker threads now (they otherwise start with the first primitive worth sharing, and the
   * calling thread does all the work until they are up); resolves once every one of them is serving.
   */
  startWorkers(): Promise<void> {
    this.assertOpen();
    return this.pool.startWorkers();
  }

  /** How many chunks of work the worker threads have done: 0 means everything ran on the calling thread. */
  get workerChunks(): number {
    return this.pool.workerChunks;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.close();
  }

  /** Shared float64 scratch of at least `count` elements for partial sums. */
  private partials(count: number): number {
    if (this.partialId < 0 || this.shared.buffer(this.partialId).byteLength < count * 8) {
      if (this.partialId >= 0) this.shared.release(this.partialId);
      this.partialId = this.shared.allocate(Math.max(count * 8, 1 << 16));
    }
    return this.partialId;
  }

  private output(size: number): Float32Array {
    this.assertOpen();
    return this.registry.allocate(size);
  }

  /** Every primitive's inputs, checked live and of the size the geometry says (core declares which). */
  private readonly inputs = primitiveInputs<Float32Array>((handle, size, what) => {
    this.assertLive(handle, what);
    assertElements('cpu', what, handle.length, size);
  });

  private assertLive(handle: Float32Array, what: string): void {
    this.registry.assertLive(handle, what);
  }

  private assertOpen(): void {
    if (this.closed) throw HandleError.closed('cpu');
  }
}
