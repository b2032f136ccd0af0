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
  HandleError,
} from '@lenet-ts/core';
import { Arena, HandleRegistry, MAXIMUM_PAGES, Scratch, WasmTensor } from './arena.js';
import { ConvBackwardInput, convBackwardFilterKernel, convBackwardInputKernel, convForwardKernel, filterRowsFloats } from './kernel-choice.js';
import { compileKernels, type KernelExports, type SimdMode, SIMD_MODES } from './kernels.js';
import { ACTIVATION_CODES, ADAPTIVE_FLOATS, BIAS_GRADIENT_ROWS, CONTROL_BYTES, FILTER_GRADIENT_SAMPLES, Op, Slot, TASK_BYTES } from './task.js';
import { ThreadTeam } from './thread-team.js';
import { browserThreads, browserThreadsNote, inBrowser } from './web-workers.js';

export interface WasmBackendOptions {
  /**
   * Threads that compute, the calling one included (default: the machine's cores). 1 runs everything on
   * the calling thread with no workers. Results are bit-identical for every count.
   */
  readonly threads?: number;
  /** `auto` (default) runs relaxed-SIMD FMA where the engine validates it, plain SIMD128 otherwise. */
  readonly simd?: SimdMode;
}

/** Multiply-adds below which a primitive stays on the calling thread: handing it out costs more. */
const PARALLEL_MIN_FLOPS = 16_384;
/** Elements below which an element-wise primitive stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 8_192;
/** Chunks per thread of a split primitive, so that a thread the OS delays holds the others up less. */
const CHUNKS_PER_THREAD = 4;
/** Largest flat input index a float32 argmax holds exactly. */
const MAX_POOL_INPUT = 2 ** 24;
const TILE_ROWS = 4;
const TILE_COLUMNS = 8;

/**
 * WebAssembly SIMD kernels (assembly/) over one shared WebAssembly.Memory: handles are blocks of it, and the
 * calling thread plus `threads - 1` worker threads split each primitive by output rows, samples or
 * elements. Every output element is computed by the same instructions in the same order whatever the
 * thread count; the two sums that cross chunks (filter and bias gradients) add fixed-size chunks' partial
 * sums in chunk order.
 */
export class WasmBackend implements Backend<WasmTensor> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name = 'wasm';
  readonly description: string;

  private f32: Float32Array;
  private i32: Int32Array;
  /** The instruction set that runs: `relaxed` (FMA) or `plain` SIMD128. */
  readonly mode: 'relaxed' | 'plain';
  private closed = false;
  private readonly registry: HandleRegistry;
  private readonly partials: Scratch;
  private readonly packedFilter: Scratch;
  private readonly threadScratch: Scratch;
  /** The task being written, by op, units and work: equal work has an equal shape (see ThreadTeam.run). */
  private taskShape = '';

  private constructor(
    readonly threads: number,
    /** Whether the kernels use relaxed-SIMD FMA (else plain SIMD128 multiply and add). */
    readonly relaxed: boolean,
    private readonly wasmMemory: WebAssembly.Memory,
    private readonly kernels: KernelExports,
    private readonly team: ThreadTeam,
    /** Int32 index of the task block. */
    private readonly task: number,
    arena: Arena,
  ) {
    this.mode = relaxed ? 'relaxed' : 'plain';
    this.description = `WebAssembly SIMD (${relaxed ? 'relaxed FMA' : 'plain'}, ${threads} thread${threads === 1 ? '' : 's'}${inBrowser() ? browserThreadsNote(threads) : ''})`;
    this.f32 = new Float32Array(wasmMemory.buffer);
    this.i32 = new Int32Array(wasmMemory.buffer);
    this.registry = new HandleRegistry(arena);
    this.partials = new Scratch(arena);
    this.packedFilter = new Scratch(arena);
    this.threadScratch = new Scratch(arena);
  }

  /** Compiles the kernels, lays out the memory and starts the workers. */
  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    const threads = options.threads ?? (await defaultThreads());
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`wasm backend: threads must be a positive integer, got ${threads}`);
    const simd = options.simd ?? 'auto';
    if (!SIMD_MODES.includes(simd)) throw new RangeError(`wasm backend: unknown simd mode '${String(simd)}'; use ${SIMD_MODES.join(', ')}`);
    const { module, relaxed } = await compileKernels(simd);
    const memory = new WebAssembly.Memory({ initial: 64, maximum: MAXIMUM_PAGES, shared: true });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    const kernels = instance.exports as unknown as KernelExports;
    const control = Math.ceil(kernels.heapBase() / 64) * 64;
    const task = control + CONTROL_BYTES;
    kernels.init(task);
    const team = await ThreadTeam.start(threads, module, memory, kernels, control, task);
    let backend: WasmBackend | null = null;
    const arena = new Arena(memory, task + TASK_BYTES, () => backend?.refreshViews());
    backend = new WasmBackend(threads, relaxed, memory, kernels, team, task >> 2, arena);
    return backend;
  }

  upload(data: Float32Array): WasmTensor {
    const handle = this.output(data.length);
    this.f32.set(data, handle.address >> 2);
    return handle;
  }

  read(handle: WasmTensor): Promise<Float32Array> {
    try {
      this.assertOpen();
      this.assertLive(handle, 'read');
      const start = handle.address >> 2;
      return Promise.resolve(this.f32.slice(start, start + handle.length));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  dispose(handle: WasmTensor): void {
    this.registry.release(handle);
  }

  memory(): BackendMemory {
    return { handles: this.registry.handles, bytes: this.registry.bytes };
  }

  conv2d(x: WasmTensor, filter: WasmTensor, bias: WasmTensor | null, info: Conv2DInfo, activation: ActivationKind): WasmTensor {
    this.input(x, sizeOf(info.inShape), 'conv2d input');
    this.input(filter, sizeOf(info.filterShape), 'conv2d filter');
    if (bias !== null) this.input(bias, info.outChannels, 'conv2d bias');
    const act = activationCode(activation);
    const y = this.output(sizeOf(info.outShape));
    const rows = info.batch * info.outHeight;
    const chunks = this.begin(Op.conv2d, rows, convFlops(info));
    this.pointers(x.address, filter.address, bias === null ? 0 : bias.address, y.address);
    this.i32[this.task + Slot.activation] = act;
    this.i32[this.task + Slot.flags] = convForwardKernel(info);
    this.writeConv(info);
    this.runTask(chunks, chunks > 1);
    return y;
  }

  matMul(a: WasmTensor, b: WasmTensor, bias: WasmTensor | null, info: MatMulInfo, activation: ActivationKind): WasmTensor {
    const { m, k, n } = info;
    this.input(a, m * k, 'matMul a');
    this.input(b, k * n, 'matMul b');
    if (bias !== null) this.input(bias, n, 'matMul bias');
    const act = activationCode(activation);
    const c = this.output(m * n);
    const rowBlocks = Math.ceil(m / TILE_ROWS);
    const colPanels = Math.ceil(n / TILE_COLUMNS);
    // Split the side with more tiles; the other is walked whole by every chunk.
    const splitRows = rowBlocks > colPanels;
    const chunks = this.begin(Op.matMul, splitRows ? rowBlocks : colPanels, m * n * k);
    this.pointers(a.address, b.address, bias === null ? 0 : bias.address, c.address);
    this.threadScratchFor(k * TILE_COLUMNS * 4);
    const t = this.task;
    const i32 = this.i32;
    i32[t + Slot.activation] = act;
    const g = t + Slot.geometry;
    i32[g] = m;
    i32[g + 1] = k;
    i32[g + 2] = n;
    i32[g + 3] = info.transposeA ? 1 : k;
    i32[g + 4] = info.transposeA ? m : 1;
    i32[g + 5] = info.transposeB ? 1 : n;
    i32[g + 6] = info.transposeB ? k : 1;
    i32[g + 7] = splitRows ? 1 : 0;
    i32[g + 8] = rowBlocks;
    i32[g + 9] = colPanels;
    this.runTask(chunks, chunks > 1);
    return c;
  }

  maxPool(x: WasmTensor, info: Pool2DInfo): { readonly y: WasmTensor; readonly argmax: WasmTensor } {
    const inSize = sizeOf(info.inShape);
    this.input(x, inSize, 'maxPool input');
    if (inSize > MAX_POOL_INPUT) {
      throw new ShapeError(
        `wasm backend: max pooling input of ${inSize} elements is too large for float32 argmax indices (max ${MAX_POOL_INPUT}); use a smaller batch`,
      );
    }
    const size = sizeOf(info.outShape);
    const y = this.output(size);
    const argmax = this.output(size);
    const chunks = this.begin(Op.maxPool, info.batch * info.outHeight, inSize);
    this.pointers(x.address, y.address, argmax.address);
    this.writePool(info);
    this.runTask(chunks, chunks > 1);
    return { y, argmax };
  }

  activation(x: WasmTensor, size: number, kind: ActivationKind): WasmTensor {
    this.input(x, size, 'activation input');
    const act = activationCode(kind);
    const y = this.output(size);
    const chunks = this.beginElementwise(Op.activation, size);
    this.pointers(x.address, y.address);
    this.i32[this.task + Slot.activation] = act;
    this.runTask(chunks, chunks > 1);
    return y;
  }

  softmax(x: WasmTensor, rows: number, cols: number): WasmTensor {
    this.input(x, rows * cols, 'softmax input');
    const y = this.output(rows * cols);
    this.kernels.softmaxRows(x.address, y.address, rows, cols);
    return y;
  }

  conv2dBackwardInput(dy: WasmTensor, filter: WasmTensor, info: Conv2DInfo): WasmTensor {
    this.input(dy, sizeOf(info.outShape), 'conv2dBackwardInput dy');
    this.input(filter, sizeOf(info.filterShape), 'conv2dBackwardInput filter');
    const dx = this.output(sizeOf(info.inShape));
    const kernel = convBackwardInputKernel(info);
    // The filter-row kernel adds into a sample's dx from all over it, so it takes whole samples; the general one rows.
    const bySample = kernel === ConvBackwardInput.filterRowSamples;
    const chunks = this.begin(Op.conv2dBackwardInput, bySample ? info.batch : info.batch * info.inHeight, convFlops(info));
    this.writeConv(info);
    let packed: number;
    if (bySample) {
      packed = this.packedFilter.reserve(filterRowsFloats(info) * 4);
      this.kernels.packFilterRows(filter.address, packed, (this.task + Slot.geometry) * 4);
    } else {
      packed = this.packedFilter.reserve(sizeOf(info.filterShape) * 4);
      this.kernels.transposeTaps(filter.address, packed, info.filterHeight * info.filterWidth, info.inChannels, info.outChannels);
    }
    this.pointers(dy.address, packed, dx.address);
    this.i32[this.task + Slot.flags] = kernel;
    this.runTask(chunks, chunks > 1);
    return dx;
  }

  conv2dBackwardFilter(x: WasmTensor, dy: WasmTensor, info: Conv2DInfo): WasmTensor {
    this.input(x, sizeOf(info.inShape), 'conv2dBackwardFilter input');
    this.input(dy, sizeOf(info.outShape), 'conv2dBackwardFilter dy');
    const size = sizeOf(info.filterShape);
    const chunks = this.fixedChunks(info.batch, FILTER_GRADIENT_SAMPLES, 'conv2dBackwardFilter');
    const dfilter = this.output(size);
    const partials = this.partials.reserve(chunks * size * 4);
    this.begin(Op.conv2dBackwardFilter, info.batch, convFlops(info), FILTER_GRADIENT_SAMPLES);
    this.pointers(x.address, dy.address, partials);
    this.i32[this.task + Slot.flags] = convBackwardFilterKernel(info);
    this.writeConv(info);
    this.runTask(chunks, chunks > 1 && convFlops(info) >= PARALLEL_MIN_FLOPS);
    this.kernels.sumPartials(partials, chunks, size, dfilter.address);
    return dfilter;
  }

  maxPoolBackward(dy: WasmTensor, argmax: WasmTensor, info: Pool2DInfo): WasmTensor {
    const size = sizeOf(info.outShape);
    this.input(dy, size, 'maxPoolBackward dy');
    this.input(argmax, size, 'maxPoolBackward argmax');
    const inSize = sizeOf(info.inShape);
    const dx = this.output(inSize);
    // Whole samples per chunk: overlapping windows add into the same dx element, in output order.
    const chunks = this.begin(Op.maxPoolBackward, info.batch, inSize);
    this.pointers(dy.address, argmax.address, dx.address);
    this.writePool(info);
    this.runTask(chunks, chunks > 1);
    return dx;
  }

  activationBackward(dy: WasmTensor, y: WasmTensor, size: number, kind: ActivationKind): WasmTensor {
    this.input(dy, size, 'activationBackward dy');
    this.input(y, size, 'activationBackward y');
    const act = activationCode(kind);
    const dx = this.output(size);
    const chunks = this.beginElementwise(Op.activationBackward, size);
    this.pointers(dy.address, y.address, dx.address);
    this.i32[this.task + Slot.activation] = act;
    this.runTask(chunks, chunks > 1);
    return dx;
  }

  biasGrad(dy: WasmTensor, rows: number, channels: number): WasmTensor {
    this.input(dy, rows * channels, 'biasGrad dy');
    const chunks = this.fixedChunks(rows, BIAS_GRADIENT_ROWS, 'biasGrad');
    const out = this.output(channels);
    const partials = this.partials.reserve(chunks * channels * 4);
    this.begin(Op.biasGrad, rows, rows * channels, BIAS_GRADIENT_ROWS);
    this.pointers(dy.address, partials);
    this.i32[this.task + Slot.geometry] = channels;
    this.runTask(chunks, chunks > 1 && rows * channels >= PARALLEL_MIN_ELEMENTS);
    this.kernels.sumPartials(partials, chunks, channels, out.address);
    return out;
  }

  loss(input: WasmTensor, labels: WasmTensor, info: LossInfo): LossResult<WasmTensor> {
    this.input(input, info.batch * info.classes, 'loss input');
    this.input(labels, info.batch, 'loss labels');
    if (info.kind !== 'sparse-categorical-crossentropy' && info.kind !== 'softmax-cross-entropy') {
      throw new Error(`wasm backend: unknown loss '${String(info.kind)}'; expected sparse-categorical-crossentropy or softmax-cross-entropy`);
    }
    const first = labels.address >> 2;
    for (let i = 0; i < info.batch; i++) {
      const label = this.f32[first + i]!;
      if (!Number.isInteger(label) || label < 0 || label >= info.classes) {
        throw new RangeError(`wasm backend: label ${label} of row ${i} is not a class id in [0, ${info.classes})`);
      }
    }
    const gradient = this.output(info.batch * info.classes);
    const loss = this.output(1);
    const correct = this.output(1);
    const kind = info.kind === 'sparse-categorical-crossentropy' ? 0 : 1;
    this.kernels.lossRows(input.address, labels.address, gradient.address, loss.address, correct.address, info.batch, info.classes, kind, info.epsilon);
    return { loss, correct, gradient };
  }

  sgdUpdate(param: WasmTensor, grad: WasmTensor, velocity: WasmTensor | null, info: SgdInfo): SgdResult<WasmTensor> {
    this.input(param, info.size, 'sgdUpdate param');
    this.input(grad, info.size, 'sgdUpdate grad');
    let v: WasmTensor | null = null;
    if (info.momentum !== 0) {
      if (velocity === null) {
        // Keras starts the velocity at zero; a caller without one yet gets a fresh handle it then owns.
        v = this.output(info.size);
        this.f32.fill(0, v.address >> 2, (v.address >> 2) + info.size);
      } else {
        v = this.input(velocity, info.size, 'sgdUpdate velocity');
      }
    }
    const chunks = this.beginElementwise(Op.sgd, info.size);
    this.pointers(param.address, grad.address, v === null ? 0 : v.address);
    const t = this.task;
    this.i32[t + Slot.flags] = info.nesterov ? 1 : 0;
    this.f32[t + Slot.learningRate] = info.learningRate;
    this.f32[t + Slot.momentum] = info.momentum;
    this.runTask(chunks, chunks > 1);
    return { param, velocity: v };
  }

  adaptiveUpdate(param: WasmTensor, grad: WasmTensor, m: WasmTensor | null, v: WasmTensor, info: AdaptiveInfo): AdaptiveResult<WasmTensor> {
    this.input(param, info.size, 'adaptiveUpdate param');
    this.input(grad, info.size, 'adaptiveUpdate grad');
    if ((m === null) !== (info.kind === 'rmsprop'))
      throw new Error(`wasm backend: adaptiveUpdate ${info.kind} ${info.kind === 'adam' ? 'needs m' : 'takes m = null'}`);
    if (m !== null) this.input(m, info.size, 'adaptiveUpdate m');
    this.input(v, info.size, 'adaptiveUpdate v');
    const chunks = this.beginElementwise(Op.adaptive, info.size);
    this.pointers(param.address, grad.address, m === null ? 0 : m.address, v.address);
    const f = this.task + Slot.geometry;
    this.f32[f + ADAPTIVE_FLOATS.learningRate] = info.learningRate;
    this.f32[f + ADAPTIVE_FLOATS.beta1] = info.beta1;
    this.f32[f + ADAPTIVE_FLOATS.oneMinusBeta1] = 1 - info.beta1;
    this.f32[f + ADAPTIVE_FLOATS.beta2] = info.beta2;
    this.f32[f + ADAPTIVE_FLOATS.oneMinusBeta2] = 1 - info.beta2;
    this.f32[f + ADAPTIVE_FLOATS.epsilon] = info.epsilon;
    this.runTask(chunks, chunks > 1);
    return { param, m, v };
  }

  /** How many chunks of work the worker threads have run: 0 means everything ran on the calling thread. */
  get workerChunks(): number {
    return this.team.workerChunks;
  }

  /** How many times the threads fell back to the calling thread alone (see ThreadTeam): 0 on idle cores. */
  get threadBackoffs(): number {
    return this.team.backoffs;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.team.close();
  }

  /** Runs the task just written: split into `chunks` over the threads where `parallel` and it pays. */
  private runTask(chunks: number, parallel: boolean): void {
    this.team.run(chunks, parallel, this.taskShape);
  }

  /** Gives every thread `bytes` of scratch for the task being written. */
  private threadScratchFor(bytes: number): void {
    const stride = Math.ceil(bytes / 64) * 64 + 64;
    const scratch = this.threadScratch.reserve(stride * this.threads);
    this.i32[this.task + Slot.scratch] = scratch;
    this.i32[this.task + Slot.scratchStride] = stride;
  }

  /** After the memory grew: views over the old, shorter buffer would miss the new blocks. */
  private refreshViews(): void {
    this.f32 = new Float32Array(this.wasmMemory.buffer);
    this.i32 = new Int32Array(this.wasmMemory.buffer);
  }

  /**
   * Starts a task over `units` of `flops` multiply-adds (or elements) in all; returns its chunk count.
   * `fixedChunk` > 0 cuts chunks of exactly that many units (the sum's order depends on it); otherwise
   * chunks are sized for the threads, and a task of fewer than PARALLEL_MIN_FLOPS multiply-adds is one chunk.
   */
  private begin(op: number, units: number, flops: number, fixedChunk = 0): number {
    let chunkSize = units;
    if (fixedChunk > 0) chunkSize = fixedChunk;
    else if (this.threads > 1 && flops >= PARALLEL_MIN_FLOPS) chunkSize = Math.max(1, Math.ceil(units / (this.threads * CHUNKS_PER_THREAD)));
    return this.writeTask(op, units, chunkSize, flops);
  }

  /** Element-wise tasks: chunks of whole vectors, so every element takes the same vector path. */
  private beginElementwise(op: number, size: number): number {
    let chunkSize = Math.ceil(size / 4) * 4;
    if (this.threads > 1 && size >= PARALLEL_MIN_ELEMENTS) chunkSize = Math.ceil(size / (this.threads * CHUNKS_PER_THREAD) / 4) * 4;
    return this.writeTask(op, size, chunkSize, size);
  }

  private writeTask(op: number, units: number, chunkSize: number, work: number): number {
    this.taskShape = `${op}:${units}:${work}`;
    const i32 = this.i32;
    const t = this.task;
    i32[t + Slot.op] = op;
    i32[t + Slot.units] = units;
    i32[t + Slot.chunkSize] = Math.max(1, chunkSize);
    i32.fill(0, t + Slot.pointers, t + Slot.pointers + 6);
    i32[t + Slot.activation] = 0;
    i32[t + Slot.flags] = 0;
    return Math.max(1, Math.ceil(units / Math.max(1, chunkSize)));
  }

  /** How many fixed-size chunks a summed dimension splits into (the claim word counts to 65535). */
  private fixedChunks(units: number, chunk: number, what: string): number {
    const chunks = Math.max(1, Math.ceil(units / chunk));
    if (chunks > 0xffff) throw new ShapeError(`wasm backend: ${what} over ${units} rows is too large (max ${0xffff * chunk}); use a smaller batch`);
    return chunks;
  }

  /** The task's addresses (fixed arity rather than rest parameters: no array per call). */
  private pointers(a: number, b = 0, c = 0, d = 0): void {
    const p = this.task + Slot.pointers;
    const i32 = this.i32;
    i32[p] = a;
    i32[p + 1] = b;
    i32[p + 2] = c;
    i32[p + 3] = d;
  }

  private writeConv(info: Conv2DInfo): void {
    const i32 = this.i32;
    const g = this.task + Slot.geometry;
    i32[g] = info.batch;
    i32[g + 1] = info.inHeight;
    i32[g + 2] = info.inWidth;
    i32[g + 3] = info.inChannels;
    i32[g + 4] = info.outHeight;
    i32[g + 5] = info.outWidth;
    i32[g + 6] = info.outChannels;
    i32[g + 7] = info.filterHeight;
    i32[g + 8] = info.filterWidth;
    i32[g + 9] = info.strideHeight;
    i32[g + 10] = info.strideWidth;
    i32[g + 11] = info.padTop;
    i32[g + 12] = info.padLeft;
  }

  private writePool(info: Pool2DInfo): void {
    const i32 = this.i32;
    const g = this.task + Slot.geometry;
    i32[g] = info.batch;
    i32[g + 1] = info.inHeight;
    i32[g + 2] = info.inWidth;
    i32[g + 3] = info.channels;
    i32[g + 4] = info.outHeight;
    i32[g + 5] = info.outWidth;
    i32[g + 6] = info.poolHeight;
    i32[g + 7] = info.poolWidth;
    i32[g + 8] = info.strideHeight;
    i32[g + 9] = info.strideWidth;
    i32[g + 10] = info.padTop;
    i32[g + 11] = info.padLeft;
  }

  private output(size: number): WasmTensor {
    this.assertOpen();
    return this.registry.allocate(size);
  }

  private input(handle: WasmTensor, size: number, what: string): WasmTensor {
    this.assertOpen();
    this.assertLive(handle, what);
    if (handle.length !== size) throw new ShapeError(`wasm backend: ${what} has ${handle.length} elements, expected ${size}`);
    return handle;
  }

  private assertLive(handle: WasmTensor, what: string): void {
    if (!this.registry.owns(handle) || !handle.live) {
      throw HandleError.disposed('wasm', what);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw HandleError.closed('wasm');
  }
}

function activationCode(kind: ActivationKind): number {
  const code = ACTIVATION_CODES.indexOf(kind);
  if (code < 0) throw new Error(`wasm backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
  return code;
}

/** Multiply-adds of a convolution (and of its input gradient). */
function convFlops(info: Conv2DInfo): number {
  return sizeOf(info.outShape) * info.filterHeight * info.filterWidth * info.inChannels;
}

/** The machine's cores in Node; in a browser as many as Web Workers can run (web-workers.ts). */
async function defaultThreads(): Promise<number> {
  if (inBrowser()) return browserThreads().threads;
  try {
    const os = await import('node:os');
    return os.availableParallelism();
  } catch {
    return 1;
  }
}

/** Creates the WebAssembly SIMD backend: compiles the kernels, starts `threads - 1` workers. */
export function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  return WasmBackend.create(options);
}
