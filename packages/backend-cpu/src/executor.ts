import { activationBackward, applyActivation } from './activation.js';
import { biasGradPartial } from './bias.js';
import { Convolution, type ConvGeometry } from './conv2d.js';
import { gemm, MatrixPanels, type GemmRange } from './gemm.js';
import { maxPool, maxPoolBackward, type PoolGeometry } from './pool.js';
import { ScratchBuffers } from './scratch.js';
import { sgdStep } from './sgd.js';
import { ACTIVATION_CODES, Flag, FloatSlot, Op, Slot } from './task.js';

/** Where a thread finds the memory a task names by id. */
export interface BufferTable {
  float32(id: number): Float32Array;
  float64(id: number): Float64Array;
}

/**
 * One thread's side of the task protocol: decodes the shared task block and runs a chunk of it with
 * this thread's own scratch memory and convolution tables. The main thread and every worker hold one.
 */
export class Executor {
  private readonly scratch = new ScratchBuffers();
  private readonly convolution = new Convolution(this.scratch);
  private readonly left = new MatrixPanels();
  private readonly right = new MatrixPanels();
  private readonly range: GemmRange = { rowStart: 0, rowEnd: 0, colStart: 0, colEnd: 0, kStart: 0, kEnd: 0 };
  private readonly conv: ConvGeometry = {
    batch: 0, inHeight: 0, inWidth: 0, inChannels: 0, outHeight: 0, outWidth: 0, outChannels: 0,
    filterHeight: 0, filterWidth: 0, strideHeight: 0, strideWidth: 0, padTop: 0, padLeft: 0,
  };
  private readonly pool: PoolGeometry = {
    batch: 0, inHeight: 0, inWidth: 0, channels: 0, outHeight: 0, outWidth: 0,
    poolHeight: 0, poolWidth: 0, strideHeight: 0, strideWidth: 0, padTop: 0, padLeft: 0,
  };

  constructor(
    private readonly task: Int32Array,
    private readonly floats: Float64Array,
    private readonly memory: BufferTable,
  ) {}

  run(chunk: number): void {
    const t = this.task;
    const size = t[Slot.chunkSize]!;
    const start = chunk * size;
    const end = Math.min(start + size, t[Slot.units]!);
    const activation = ACTIVATION_CODES[t[Slot.activation]!]!;
    const flags = t[Slot.flags]!;
    switch (t[Slot.op]) {
      case Op.conv2d:
        this.convolution.forward(this.f32(0), this.f32(1), this.optional(2), this.readConv(), t[Slot.activation]!, this.f32(3), start, end);
        return;
      case Op.conv2dBackwardInput:
        this.convolution.backwardInput(this.f32(0), this.f32(1), this.readConv(), this.f32(2), start, end);
        return;
      case Op.conv2dBackwardFilter: {
        const info = this.readConv();
        const filterSize = info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
        this.convolution.backwardFilterPartial(this.f32(0), this.f32(1), info, this.f64(2), chunk * filterSize, start, end);
        return;
      }
      case Op.matMul:
        this.matMul(start, end, flags, activation);
        return;
      case Op.maxPool:
        maxPool(this.f32(0), this.readPool(), this.f32(1), this.f32(2), start, end);
        return;
      case Op.maxPoolBackward:
        maxPoolBackward(this.f32(0), this.f32(1), this.f32(2), this.readPool(), start, end);
        return;
      case Op.activation:
        applyActivation(this.f32(0), this.f32(1), start, end, activation);
        return;
      case Op.activationBackward:
        activationBackward(this.f32(0), this.f32(1), this.f32(2), start, end, activation);
        return;
      case Op.biasGrad: {
        const channels = t[Slot.n]!;
        biasGradPartial(this.f32(0), channels, start, end, this.f64(1), chunk * channels);
        return;
      }
      case Op.sgd: {
        const velocity = this.optional(2);
        sgdStep(this.f32(0), this.f32(1), velocity, this.floats[FloatSlot.learningRate]!, this.floats[FloatSlot.momentum]!, (flags & Flag.nesterov) !== 0, start, end);
        return;
      }
      default:
        throw new Error(`cpu backend: unknown task ${t[Slot.op]}`);
    }
  }

  /** Rows (or, with splitColumns, columns) [start, end) of c = act(op(a) op(b) + bias). */
  private matMul(start: number, end: number, flags: number, activation: (typeof ACTIVATION_CODES)[number]): void {
    const t = this.task;
    const m = t[Slot.m]!, k = t[Slot.k]!, n = t[Slot.n]!;
    const r = this.range;
    const columns = (flags & Flag.splitColumns) !== 0;
    r.rowStart = columns ? 0 : start;
    r.rowEnd = columns ? m : end;
    r.colStart = columns ? start : 0;
    r.colEnd = columns ? end : n;
    r.kStart = 0;
    r.kEnd = k;
    const a = this.left.set(this.f32(0), m, k, (flags & Flag.transposeA) !== 0);
    // B seen as B^T: [n, k], stored that way when transposed, else [k, n] = depth-major.
    const b = this.right.set(this.f32(1), n, k, (flags & Flag.transposeB) === 0);
    gemm(a, b, this.f32(3), 0, n, r, this.optional(2), activation, this.scratch);
  }

  private f32(slot: number): Float32Array {
    return this.memory.float32(this.task[Slot.buffers + slot]!);
  }

  private f64(slot: number): Float64Array {
    return this.memory.float64(this.task[Slot.buffers + slot]!);
  }

  private optional(slot: number): Float32Array | null {
    const id = this.task[Slot.buffers + slot]!;
    return id < 0 ? null : this.memory.float32(id);
  }

  private readConv(): ConvGeometry {
    const t = this.task;
    const g = Slot.geometry;
    const c = this.conv;
    c.batch = t[g]!; c.inHeight = t[g + 1]!; c.inWidth = t[g + 2]!; c.inChannels = t[g + 3]!;
    c.outHeight = t[g + 4]!; c.outWidth = t[g + 5]!; c.outChannels = t[g + 6]!;
    c.filterHeight = t[g + 7]!; c.filterWidth = t[g + 8]!; c.strideHeight = t[g + 9]!; c.strideWidth = t[g + 10]!;
    c.padTop = t[g + 11]!; c.padLeft = t[g + 12]!;
    return c;
  }

  private readPool(): PoolGeometry {
    const t = this.task;
    const g = Slot.geometry;
    const p = this.pool;
    p.batch = t[g]!; p.inHeight = t[g + 1]!; p.inWidth = t[g + 2]!; p.channels = t[g + 3]!;
    p.outHeight = t[g + 4]!; p.outWidth = t[g + 5]!; p.poolHeight = t[g + 6]!; p.poolWidth = t[g + 7]!;
    p.strideHeight = t[g + 8]!; p.strideWidth = t[g + 9]!; p.padTop = t[g + 10]!; p.padLeft = t[g + 11]!;
    return p;
  }
}
