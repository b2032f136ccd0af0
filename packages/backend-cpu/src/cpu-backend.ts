import { availableParallelism } from 'node:os';
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
import { assertActivationKind, softmaxRows } from './activation.js';
import { Executor } from './executor.js';
import { MR, NR } from './gemm.js';
import { assertLossInputs, lossAndGradient } from './loss.js';
import { HandleRegistry } from './memory.js';
import { MAX_POOL_INPUT } from './pool.js';
import { SharedMemory } from './shared-memory.js';
import { ACTIVATION_CODES, BIAS_GRADIENT_CHUNK, FILTER_GRADIENT_CHUNK, Flag, FloatSlot, Op, Slot, TASK_FLOATS, TASK_INTS } from './task.js';
import { ThreadPool } from './thread-pool.js';

export interface CpuBackendOptions {
  /**
   * Threads that compute, the calling one included (default: os.availableParallelism()). 1 runs
   * everything on the calling thread with no workers. Results are bit-identical for every count.
   */
  readonly threads?: number;
}

/** Thrown when a handle is used after dispose, after close, or was never made by this backend. */
export class CpuHandleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CpuHandleError';
  }
}

/** Floating-point operations below which a primitive stays on the calling thread: sharing it costs more. */
const PARALLEL_MIN_FLOPS = 200_000;
/** Elements below which an element-wise primitive stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 32_768;
/** Chunks per thread of a split primitive, so that a thread the OS delays holds the others up less. */
const CHUNKS_PER_THREAD = 4;

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
  private readonly registry: HandleRegistry;
  private readonly task: Int32Array;
  private readonly floats: Float64Array;
  private readonly pool: ThreadPool;
  /** Shared float64 memory for partial sums; grows, never shrinks. */
  private partialId = -1;
  private closed = false;

  constructor(options: CpuBackendOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`cpu backend: threads must be a positive integer, got ${threads}`);
    this.threads = threads;
    this.description = `pure TypeScript (${threads} thread${threads === 1 ? '' : 's'})`;
    this.shared = new SharedMemory((id, buffer) => this.pool.announce(id, buffer));
    this.registry = new HandleRegistry(this.shared);
    const taskBuffer = new SharedArrayBuffer(TASK_INTS * 4 + TASK_FLOATS * 8);
    this.task = new Int32Array(taskBuffer, 0, TASK_INTS);
    this.floats = new Float64Array(taskBuffer, TASK_INTS * 4, TASK_FLOATS);
    this.pool = new ThreadPool(threads, new Executor(this.task, this.floats, this.shared), this.shared, taskBuffer);
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
    this.input(x, sizeOf(info.inShape), 'conv2d input');
    this.input(filter, sizeOf(info.filterShape), 'conv2d filter');
    if (bias !== null) this.input(bias, info.outChannels, 'conv2d bias');
    assertActivationKind(activation);
    const y = this.output(sizeOf(info.outShape));
    const flops = 2 * sizeOf(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
    const parallel = flops >= PARALLEL_MIN_FLOPS;
    const chunks = this.begin(Op.conv2d, info.batch, 1, parallel);
    this.buffers(x, filter, bias, y);
    this.task[Slot.activation] = ACTIVATION_CODES.indexOf(activation);
    this.writeConv(info);
    this.pool.run(chunks, parallel);
    return y;
  }

  matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, info: MatMulInfo, activation: ActivationKind): Float32Array {
    const { m, k, n } = info;
    this.input(a, m * k, 'matMul a');
    this.input(b, k * n, 'matMul b');
    if (bias !== null) this.input(bias, n, 'matMul bias');
    assertActivationKind(activation);
    const c = this.output(m * n);
    // Split the longer side of C: each chunk packs the other operand whole.
    const splitColumns = n > m;
    const flops = 2 * m * n * k;
    const parallel = flops >= PARALLEL_MIN_FLOPS;
    const chunks = this.begin(Op.matMul, splitColumns ? n : m, splitColumns ? NR : MR, parallel);
    this.buffers(a, b, bias, c);
    this.task[Slot.activation] = ACTIVATION_CODES.indexOf(activation);
    this.task[Slot.flags] = (info.transposeA ? Flag.transposeA : 0) | (info.transposeB ? Flag.transposeB : 0) | (splitColumns ? Flag.splitColumns : 0);
    this.task[Slot.m] = m;
    this.task[Slot.k] = k;
    this.task[Slot.n] = n;
    this.pool.run(chunks, parallel);
    return c;
  }

  maxPool(x: Float32Array, info: Pool2DInfo): { readonly y: Float32Array; readonly argmax: Float32Array } {
    const inSize = sizeOf(info.inShape);
    this.input(x, inSize, 'maxPool input');
    if (inSize > MAX_POOL_INPUT) {
      throw new ShapeError(`cpu backend: max pooling input of ${inSize} elements is too large for float32 argmax indices (max ${MAX_POOL_INPUT}); use a smaller batch`);
    }
    const size = sizeOf(info.outShape);
    const y = this.output(size);
    const argmax = this.output(size);
    const parallel = inSize >= PARALLEL_MIN_ELEMENTS;
    const chunks = this.begin(Op.maxPool, info.batch, 1, parallel);
    this.buffers(x, y, argmax);
    this.writePool(info);
    this.pool.run(chunks, parallel);
    return { y, argmax };
  }

  activation(x: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.input(x, size, 'activation input');
    assertActivationKind(kind);
    const y = this.output(size);
    const chunks = this.beginElementwise(Op.activation, size);
    this.buffers(x, y);
    this.task[Slot.activation] = ACTIVATION_CODES.indexOf(kind);
    this.pool.run(chunks, size >= PARALLEL_MIN_ELEMENTS);
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
    const flops = 2 * sizeOf(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
    // Whole samples per chunk: a sample's windows overlap, so its dx must be summed by one thread.
    const parallel = flops >= PARALLEL_MIN_FLOPS;
    const chunks = this.begin(Op.conv2dBackwardInput, info.batch, 1, parallel);
    this.buffers(dy, filter, dx);
    this.writeConv(info);
    this.pool.run(chunks, parallel);
    return dx;
  }

  conv2dBackwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
    this.input(x, sizeOf(info.inShape), 'conv2dBackwardFilter input');
    this.input(dy, sizeOf(info.outShape), 'conv2dBackwardFilter dy');
    const pixels = info.batch * info.outHeight * info.outWidth;
    const patch = info.filterHeight * info.filterWidth * info.inChannels;
    const filters = info.outChannels;
    const size = patch * filters;
    const chunks = this.fixedChunks(pixels, FILTER_GRADIENT_CHUNK, 'conv2dBackwardFilter');
    const dfilter = this.output(size);
    const partialId = this.partials(chunks * size);
    this.begin(Op.conv2dBackwardFilter, pixels, 1, true, FILTER_GRADIENT_CHUNK);
    this.buffers(x, dy);
    this.task[Slot.buffers + 2] = partialId;
    this.writeConv(info);
    this.pool.run(chunks, 2 * pixels * size >= PARALLEL_MIN_FLOPS);
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
    const size = sizeOf(info.outShape);
    this.input(dy, size, 'maxPoolBackward dy');
    this.input(argmax, size, 'maxPoolBackward argmax');
    const inSize = sizeOf(info.inShape);
    const dx = this.output(inSize);
    const parallel = inSize >= PARALLEL_MIN_ELEMENTS;
    const chunks = this.begin(Op.maxPoolBackward, info.batch, 1, parallel);
    this.buffers(dy, argmax, dx);
    this.writePool(info);
    this.pool.run(chunks, parallel);
    return dx;
  }

  activationBackward(dy: Float32Array, y: Float32Array, size: number, kind: ActivationKind): Float32Array {
    this.input(dy, size, 'activationBackward dy');
    this.input(y, size, 'activationBackward y');
    assertActivationKind(kind);
    const dx = this.output(size);
    const chunks = this.beginElementwise(Op.activationBackward, size);
    this.buffers(dy, y, dx);
    this.task[Slot.activation] = ACTIVATION_CODES.indexOf(kind);
    this.pool.run(chunks, size >= PARALLEL_MIN_ELEMENTS);
    return dx;
  }

  biasGrad(dy: Float32Array, rows: number, channels: number): Float32Array {
    this.input(dy, rows * channels, 'biasGrad dy');
    const chunks = this.fixedChunks(rows, BIAS_GRADIENT_CHUNK, 'biasGrad');
    const out = this.output(channels);
    const partialId = this.partials(chunks * channels);
    this.begin(Op.biasGrad, rows, 1, true, BIAS_GRADIENT_CHUNK);
    this.buffers(dy);
    this.task[Slot.buffers + 1] = partialId;
    this.task[Slot.n] = channels;
    this.pool.run(chunks, rows * channels >= PARALLEL_MIN_ELEMENTS);
    const partial = this.shared.float64(partialId);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let chunk = 0, i = c; chunk < chunks; chunk++, i += channels) sum += partial[i]!;
      out[c] = sum;
    }
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
    let v: Float32Array | null = null;
    if (info.momentum !== 0) {
      // Keras starts the velocity at zero; a caller without one yet gets a fresh handle it then owns.
      v = velocity === null ? this.output(info.size).fill(0) : this.input(velocity, info.size, 'sgdUpdate velocity');
    }
    const chunks = this.beginElementwise(Op.sgd, info.size);
    this.buffers(param, grad, v);
    this.task[Slot.flags] = info.nesterov ? Flag.nesterov : 0;
    this.floats[FloatSlot.learningRate] = info.learningRate;
    this.floats[FloatSlot.momentum] = info.momentum;
    this.pool.run(chunks, info.size >= PARALLEL_MIN_ELEMENTS);
    return { param, velocity: v };
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

  /**
   * Starts a task over `units`, cut into chunks of a multiple of `align` units (one chunk when it is not
   * `parallel`, or `fixedChunk` units when the result depends on the cut); returns the chunk count.
   */
  private begin(op: number, units: number, align: number, parallel: boolean, fixedChunk = 0): number {
    let chunkSize = units;
    if (fixedChunk > 0) chunkSize = fixedChunk;
    else if (this.threads > 1 && parallel) {
      const wanted = Math.ceil(units / (this.threads * CHUNKS_PER_THREAD));
      chunkSize = Math.max(align, Math.ceil(wanted / align) * align);
    }
    const t = this.task;
    t[Slot.op] = op;
    t[Slot.units] = units;
    t[Slot.chunkSize] = Math.max(chunkSize, 1);
    t.fill(-1, Slot.buffers, Slot.buffers + 6);
    t[Slot.activation] = 0;
    t[Slot.flags] = 0;
    return Math.max(1, Math.ceil(units / t[Slot.chunkSize]!));
  }

  private beginElementwise(op: number, size: number): number {
    return this.begin(op, size, 64, size >= PARALLEL_MIN_ELEMENTS);
  }

  /** How many fixed-size chunks a summed dimension splits into (the claim word counts to 65535). */
  private fixedChunks(units: number, chunk: number, what: string): number {
    const chunks = Math.max(1, Math.ceil(units / chunk));
    if (chunks > 0xffff) throw new ShapeError(`cpu backend: ${what} over ${units} rows is too large (max ${0xffff * chunk}); use a smaller batch`);
    return chunks;
  }

  /** Names the task's buffers (fixed arity rather than rest parameters: no array per call). */
  private buffers(a: Float32Array | null, b: Float32Array | null = null, c: Float32Array | null = null, d: Float32Array | null = null): void {
    const t = this.task;
    t[Slot.buffers] = a === null ? -1 : this.registry.idOf(a);
    t[Slot.buffers + 1] = b === null ? -1 : this.registry.idOf(b);
    t[Slot.buffers + 2] = c === null ? -1 : this.registry.idOf(c);
    t[Slot.buffers + 3] = d === null ? -1 : this.registry.idOf(d);
  }

  /** Shared float64 scratch of at least `count` elements for partial sums. */
  private partials(count: number): number {
    if (this.partialId < 0 || this.shared.buffer(this.partialId).byteLength < count * 8) {
      if (this.partialId >= 0) this.shared.release(this.partialId);
      this.partialId = this.shared.allocate(Math.max(count * 8, 1 << 16));
    }
    return this.partialId;
  }

  private writeConv(info: Conv2DInfo): void {
    const t = this.task;
    const g = Slot.geometry;
    t[g] = info.batch; t[g + 1] = info.inHeight; t[g + 2] = info.inWidth; t[g + 3] = info.inChannels;
    t[g + 4] = info.outHeight; t[g + 5] = info.outWidth; t[g + 6] = info.outChannels;
    t[g + 7] = info.filterHeight; t[g + 8] = info.filterWidth; t[g + 9] = info.strideHeight; t[g + 10] = info.strideWidth;
    t[g + 11] = info.padTop; t[g + 12] = info.padLeft;
  }

  private writePool(info: Pool2DInfo): void {
    const t = this.task;
    const g = Slot.geometry;
    t[g] = info.batch; t[g + 1] = info.inHeight; t[g + 2] = info.inWidth; t[g + 3] = info.channels;
    t[g + 4] = info.outHeight; t[g + 5] = info.outWidth; t[g + 6] = info.poolHeight; t[g + 7] = info.poolWidth;
    t[g + 8] = info.strideHeight; t[g + 9] = info.strideWidth; t[g + 10] = info.padTop; t[g + 11] = info.padLeft;
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

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options);
}
