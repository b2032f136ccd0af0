import { activationBackward, applyActivation } from './activation.js';
import { biasGradPartial } from './bias.js';
import { Convolution } from './conv2d.js';
import { gemm, MatrixPanels, type GemmRange } from './gemm.js';
import { maxPool, maxPoolBackward } from './pool.js';
import { ScratchBuffers } from './scratch.js';
import { sgdUpdate } from './sgd.js';
import { adaptiveUpdate } from './adaptive.js';
import { activationKind, Task, type BufferTable, type TaskBlock } from './task.js';

/**
 * One thread's side of the task protocol: decodes the shared task block and runs a chunk of it with
 * this thread's own scratch memory and convolution tables. The calling thread and every worker hold one.
 * Each method is named after the Backend primitive whose chunks it runs.
 */
export class Executor {
  private readonly scratch = new ScratchBuffers();
  private readonly convolution = new Convolution(this.scratch);
  private readonly left = new MatrixPanels();
  private readonly right = new MatrixPanels();
  private readonly range: GemmRange = { rowStart: 0, rowEnd: 0, colStart: 0, colEnd: 0, kStart: 0, kEnd: 0 };

  constructor(
    private readonly block: TaskBlock,
    private readonly memory: BufferTable,
  ) {}

  run(chunk: number): void {
    const start = this.block.chunkStart(chunk);
    const end = this.block.chunkEnd(chunk);
    switch (this.block.op) {
      case Task.conv2d.op:
        return this.conv2d(start, end);
      case Task.conv2dBackwardInput.op:
        return this.conv2dBackwardInput(start, end);
      case Task.conv2dBackwardFilter.op:
        return this.conv2dBackwardFilter(chunk, start, end);
      case Task.matMul.op:
        return this.matMul(start, end);
      case Task.maxPool.op:
        return this.maxPool(start, end);
      case Task.maxPoolBackward.op:
        return this.maxPoolBackward(start, end);
      case Task.activation.op:
        return this.activation(start, end);
      case Task.activationBackward.op:
        return this.activationBackward(start, end);
      case Task.biasGrad.op:
        return this.biasGrad(chunk, start, end);
      case Task.sgdUpdate.op:
        return this.sgdUpdate(start, end);
      case Task.adaptiveUpdate.op:
        return this.adaptiveUpdate(start, end);
      default:
        throw new Error(`cpu backend: unknown task ${this.block.op}`);
    }
  }

  /** Samples [start, end). */
  private conv2d(start: number, end: number): void {
    const t = Task.conv2d.decode(this.block, this.memory);
    this.convolution.conv2d(t.x, t.filter, t.bias, t.geometry, t.activation, t.y, start, end);
  }

  /** Samples [start, end). */
  private conv2dBackwardInput(start: number, end: number): void {
    const t = Task.conv2dBackwardInput.decode(this.block, this.memory);
    this.convolution.conv2dBackwardInput(t.dy, t.filter, t.geometry, t.dx, start, end);
  }

  /** Output pixels [start, end): this chunk's partial sum, at chunk * filterSize. */
  private conv2dBackwardFilter(chunk: number, start: number, end: number): void {
    const t = Task.conv2dBackwardFilter.decode(this.block, this.memory);
    const g = t.geometry;
    const filterSize = g.filterHeight * g.filterWidth * g.inChannels * g.outChannels;
    this.convolution.conv2dBackwardFilterPartial(t.x, t.dy, g, t.partial, chunk * filterSize, start, end);
  }

  /** Rows (or, with splitColumns, columns) [start, end) of c = act(op(a) op(b) + bias). */
  private matMul(start: number, end: number): void {
    const t = Task.matMul.decode(this.block, this.memory);
    const { m, k, n } = t;
    const columns = t.splitColumns !== 0;
    const r = this.range;
    r.rowStart = columns ? 0 : start;
    r.rowEnd = columns ? m : end;
    r.colStart = columns ? start : 0;
    r.colEnd = columns ? end : n;
    r.kStart = 0;
    r.kEnd = k;
    const a = this.left.set(t.a, m, k, t.transposeA !== 0);
    // B seen as B^T: [n, k], stored that way when transposed, else [k, n] = depth-major.
    const b = this.right.set(t.b, n, k, t.transposeB === 0);
    gemm(a, b, t.c, 0, n, r, t.bias, activationKind(t.activation), this.scratch);
  }

  /** Samples [start, end). */
  private maxPool(start: number, end: number): void {
    const t = Task.maxPool.decode(this.block, this.memory);
    maxPool(t.x, t.geometry, t.y, t.argmax, start, end);
  }

  /** Samples [start, end). */
  private maxPoolBackward(start: number, end: number): void {
    const t = Task.maxPoolBackward.decode(this.block, this.memory);
    maxPoolBackward(t.dy, t.argmax, t.dx, t.geometry, start, end);
  }

  /** Elements [start, end). */
  private activation(start: number, end: number): void {
    const t = Task.activation.decode(this.block, this.memory);
    applyActivation(t.x, t.y, start, end, activationKind(t.activation));
  }

  /** Elements [start, end). */
  private activationBackward(start: number, end: number): void {
    const t = Task.activationBackward.decode(this.block, this.memory);
    activationBackward(t.dy, t.y, t.dx, start, end, activationKind(t.activation));
  }

  /** Rows [start, end): this chunk's column sums, at chunk * channels. */
  private biasGrad(chunk: number, start: number, end: number): void {
    const t = Task.biasGrad.decode(this.block, this.memory);
    biasGradPartial(t.dy, t.channels, start, end, t.partial, chunk * t.channels);
  }

  /** Elements [start, end). */
  private sgdUpdate(start: number, end: number): void {
    const t = Task.sgdUpdate.decode(this.block, this.memory);
    sgdUpdate(t.param, t.grad, t.velocity, t.learningRate, t.momentum, t.nesterov !== 0, start, end);
  }

  /** Elements [start, end). */
  private adaptiveUpdate(start: number, end: number): void {
    const t = Task.adaptiveUpdate.decode(this.block, this.memory);
    adaptiveUpdate(t.kind === 0 ? 'adam' : 'rmsprop', t.param, t.grad, t.m, t.v, t.learningRate, t.beta1, t.beta2, t.epsilon, start, end);
  }
}
