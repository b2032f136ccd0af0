import type { ActivationKind, Conv2DInfo, MatMulInfo, Pool2DInfo, SgdInfo } from '@lenet-ts/core';
import type { ChunkPlan } from './chunk-scheduler.js';
import type { ConvGeometry } from './conv2d.js';
import type { PoolGeometry } from './pool.js';

/**
 * A task is one primitive call cut into chunks that any thread may run, described in a small shared
 * block of integers (buffer ids, scalars, geometry) and floats. The calling thread encodes it; every
 * thread decodes it and runs the chunks it claims. Each task kind below is the one definition of its
 * layout: its `encode` (calling thread, cpu-backend.ts) and `decode` (every thread, executor.ts) name the
 * same slots, so the two sides cannot drift apart.
 */

/** Where the calling thread finds the buffer id of a handle. */
export interface BufferIds {
  idOf(handle: Float32Array): number;
}

/** Where a thread finds the memory a task names by id. */
export interface BufferTable {
  float32(id: number): Float32Array;
  float64(id: number): Float64Array;
}

/** Integer slots of the block; each kind names its own buffers and scalars within their ranges. */
const Slot = {
  op: 0,
  /** How many units (pixels, samples, rows, columns or elements, by kind) the task covers. */
  units: 1,
  chunkSize: 2,
  /** Buffer ids, -1 for none. */
  buffers: 3,
  /** Integer parameters: activation codes, flags, sizes. */
  scalars: 9,
  /** Convolution or pooling geometry, in the order of CONV_FIELDS or POOL_FIELDS. */
  geometry: 16,
} as const;

const BUFFER_SLOTS = Slot.scalars - Slot.buffers;
const SCALAR_SLOTS = Slot.geometry - Slot.scalars;
export const TASK_INTS = 32;
const TASK_FLOATS = 4;

/** The order in which a geometry's fields travel: every field of the kernels' geometry (a list missing one does not compile). */
function allFields<T>() {
  return <const L extends readonly (keyof T)[]>(fields: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : never)): L => fields;
}
const CONV_FIELDS = allFields<ConvGeometry>()([
  'batch', 'inHeight', 'inWidth', 'inChannels', 'outHeight', 'outWidth', 'outChannels',
  'filterHeight', 'filterWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
]);
const POOL_FIELDS = allFields<PoolGeometry>()([
  'batch', 'inHeight', 'inWidth', 'channels', 'outHeight', 'outWidth',
  'poolHeight', 'poolWidth', 'strideHeight', 'strideWidth', 'padTop', 'padLeft',
]);

/** Activation kinds by the code a task carries (also the codes of activation.ts: LINEAR, SIGMOID, RELU). */
const ACTIVATION_CODES: readonly ActivationKind[] = ['linear', 'sigmoid', 'relu'];

/** The shared task block: integers first, then TASK_FLOATS float64s. */
export class TaskBlock {
  readonly ints: Int32Array;
  readonly floats: Float64Array;

  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(TASK_INTS * 4 + TASK_FLOATS * 8)) {
    this.ints = new Int32Array(shared, 0, TASK_INTS);
    this.floats = new Float64Array(shared, TASK_INTS * 4, TASK_FLOATS);
  }

  get op(): number {
    return this.ints[Slot.op]!;
  }

  /** The first unit of a chunk. */
  chunkStart(chunk: number): number {
    return chunk * this.ints[Slot.chunkSize]!;
  }

  /** One past the last unit of a chunk. */
  chunkEnd(chunk: number): number {
    return Math.min((chunk + 1) * this.ints[Slot.chunkSize]!, this.ints[Slot.units]!);
  }

  /** Starts a task of kind `op`: its cut, and no buffers or scalars left over from the previous one. */
  begin(op: number, plan: ChunkPlan): void {
    const t = this.ints;
    t[Slot.op] = op;
    t[Slot.units] = plan.units;
    t[Slot.chunkSize] = plan.chunkSize;
    t.fill(-1, Slot.buffers, Slot.buffers + BUFFER_SLOTS);
    t.fill(0, Slot.scalars, Slot.scalars + SCALAR_SLOTS);
  }

  setBuffer(slot: number, id: number): void {
    this.ints[Slot.buffers + slot] = id;
  }

  bufferId(slot: number): number {
    return this.ints[Slot.buffers + slot]!;
  }

  setScalar(slot: number, value: number): void {
    this.ints[Slot.scalars + slot] = value;
  }

  scalar(slot: number): number {
    return this.ints[Slot.scalars + slot]!;
  }

  writeGeometry<K extends string>(fields: readonly K[], info: Readonly<Record<K, number>>): void {
    for (let i = 0; i < fields.length; i++) this.ints[Slot.geometry + i] = info[fields[i]!];
  }

  readGeometry<K extends string>(fields: readonly K[], into: Record<K, number>): void {
    for (let i = 0; i < fields.length; i++) into[fields[i]!] = this.ints[Slot.geometry + i]!;
  }
}

function setHandle(block: TaskBlock, slot: number, ids: BufferIds, handle: Float32Array | null): void {
  block.setBuffer(slot, handle === null ? -1 : ids.idOf(handle));
}

function float32(block: TaskBlock, memory: BufferTable, slot: number): Float32Array {
  return memory.float32(block.bufferId(slot));
}

function optionalFloat32(block: TaskBlock, memory: BufferTable, slot: number): Float32Array | null {
  const id = block.bufferId(slot);
  return id < 0 ? null : memory.float32(id);
}

function float64(block: TaskBlock, memory: BufferTable, slot: number): Float64Array {
  return memory.float64(block.bufferId(slot));
}

function activationCode(kind: ActivationKind): number {
  return ACTIVATION_CODES.indexOf(kind);
}

function activationKind(code: number): ActivationKind {
  return ACTIVATION_CODES[code]!;
}

const NONE = new Float32Array(0);
const NONE64 = new Float64Array(0);

function convGeometry(): ConvGeometry {
  return {
    batch: 0, inHeight: 0, inWidth: 0, inChannels: 0, outHeight: 0, outWidth: 0, outChannels: 0,
    filterHeight: 0, filterWidth: 0, strideHeight: 0, strideWidth: 0, padTop: 0, padLeft: 0,
  };
}

function poolGeometry(): PoolGeometry {
  return {
    batch: 0, inHeight: 0, inWidth: 0, channels: 0, outHeight: 0, outWidth: 0,
    poolHeight: 0, poolWidth: 0, strideHeight: 0, strideWidth: 0, padTop: 0, padLeft: 0,
  };
}

// Each kind decodes into one object of its own, reused: a thread runs one chunk at a time, and a
// decoded task is used only until that chunk ends.

/** conv2d over samples: y = act(conv(x, filter) + bias). */
export interface Conv2dTask {
  x: Float32Array;
  filter: Float32Array;
  bias: Float32Array | null;
  y: Float32Array;
  /** The activation's code (the kernel's form of it). */
  activation: number;
  readonly geometry: ConvGeometry;
}

export const conv2dTask = {
  op: 1,
  buffers: { x: 0, filter: 1, bias: 2, y: 3 },
  scalars: { activation: 0 },
  decoded: { x: NONE, filter: NONE, bias: null, y: NONE, activation: 0, geometry: convGeometry() } as Conv2dTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, x: Float32Array, filter: Float32Array, bias: Float32Array | null, y: Float32Array, info: Conv2DInfo, activation: ActivationKind): void {
    const { buffers, scalars } = conv2dTask;
    block.begin(conv2dTask.op, plan);
    setHandle(block, buffers.x, ids, x);
    setHandle(block, buffers.filter, ids, filter);
    setHandle(block, buffers.bias, ids, bias);
    setHandle(block, buffers.y, ids, y);
    block.setScalar(scalars.activation, activationCode(activation));
    block.writeGeometry(CONV_FIELDS, info);
  },

  decode(block: TaskBlock, memory: BufferTable): Conv2dTask {
    const { buffers, scalars, decoded: d } = conv2dTask;
    d.x = float32(block, memory, buffers.x);
    d.filter = float32(block, memory, buffers.filter);
    d.bias = optionalFloat32(block, memory, buffers.bias);
    d.y = float32(block, memory, buffers.y);
    d.activation = block.scalar(scalars.activation);
    block.readGeometry(CONV_FIELDS, d.geometry);
    return d;
  },
};

/** conv2dBackwardInput over samples: dx = conv2d's gradient with respect to x. */
export interface Conv2dBackwardInputTask {
  dy: Float32Array;
  filter: Float32Array;
  dx: Float32Array;
  readonly geometry: ConvGeometry;
}

export const conv2dBackwardInputTask = {
  op: 2,
  buffers: { dy: 0, filter: 1, dx: 2 },
  decoded: { dy: NONE, filter: NONE, dx: NONE, geometry: convGeometry() } as Conv2dBackwardInputTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, dy: Float32Array, filter: Float32Array, dx: Float32Array, info: Conv2DInfo): void {
    const { buffers } = conv2dBackwardInputTask;
    block.begin(conv2dBackwardInputTask.op, plan);
    setHandle(block, buffers.dy, ids, dy);
    setHandle(block, buffers.filter, ids, filter);
    setHandle(block, buffers.dx, ids, dx);
    block.writeGeometry(CONV_FIELDS, info);
  },

  decode(block: TaskBlock, memory: BufferTable): Conv2dBackwardInputTask {
    const { buffers, decoded: d } = conv2dBackwardInputTask;
    d.dy = float32(block, memory, buffers.dy);
    d.filter = float32(block, memory, buffers.filter);
    d.dx = float32(block, memory, buffers.dx);
    block.readGeometry(CONV_FIELDS, d.geometry);
    return d;
  },
};

/**
 * conv2dBackwardFilter over output pixels, in fixed chunks: chunk c writes its float64 partial sum of
 * the filter gradient at c * filterSize in `partial`; the calling thread adds them up.
 */
export interface Conv2dBackwardFilterTask {
  x: Float32Array;
  dy: Float32Array;
  partial: Float64Array;
  readonly geometry: ConvGeometry;
}

export const conv2dBackwardFilterTask = {
  op: 3,
  buffers: { x: 0, dy: 1, partial: 2 },
  decoded: { x: NONE, dy: NONE, partial: NONE64, geometry: convGeometry() } as Conv2dBackwardFilterTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, x: Float32Array, dy: Float32Array, partialId: number, info: Conv2DInfo): void {
    const { buffers } = conv2dBackwardFilterTask;
    block.begin(conv2dBackwardFilterTask.op, plan);
    setHandle(block, buffers.x, ids, x);
    setHandle(block, buffers.dy, ids, dy);
    block.setBuffer(buffers.partial, partialId);
    block.writeGeometry(CONV_FIELDS, info);
  },

  decode(block: TaskBlock, memory: BufferTable): Conv2dBackwardFilterTask {
    const { buffers, decoded: d } = conv2dBackwardFilterTask;
    d.x = float32(block, memory, buffers.x);
    d.dy = float32(block, memory, buffers.dy);
    d.partial = float64(block, memory, buffers.partial);
    block.readGeometry(CONV_FIELDS, d.geometry);
    return d;
  },
};

/** matMul over the rows of c, or its columns with `splitColumns`: c = act(op(a) op(b) + bias). */
export interface MatMulTask {
  a: Float32Array;
  b: Float32Array;
  bias: Float32Array | null;
  c: Float32Array;
  activation: ActivationKind;
  m: number;
  k: number;
  n: number;
  transposeA: boolean;
  transposeB: boolean;
  splitColumns: boolean;
}

/** matMul's flag bits. */
const MatMulFlag = { transposeA: 1, transposeB: 2, splitColumns: 4 } as const;

export const matMulTask = {
  op: 4,
  buffers: { a: 0, b: 1, bias: 2, c: 3 },
  scalars: { activation: 0, flags: 1, m: 2, k: 3, n: 4 },
  decoded: {
    a: NONE, b: NONE, bias: null, c: NONE, activation: 'linear',
    m: 0, k: 0, n: 0, transposeA: false, transposeB: false, splitColumns: false,
  } as MatMulTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, a: Float32Array, b: Float32Array, bias: Float32Array | null, c: Float32Array, info: MatMulInfo, activation: ActivationKind, splitColumns: boolean): void {
    const { buffers, scalars } = matMulTask;
    block.begin(matMulTask.op, plan);
    setHandle(block, buffers.a, ids, a);
    setHandle(block, buffers.b, ids, b);
    setHandle(block, buffers.bias, ids, bias);
    setHandle(block, buffers.c, ids, c);
    block.setScalar(scalars.activation, activationCode(activation));
    block.setScalar(
      scalars.flags,
      (info.transposeA ? MatMulFlag.transposeA : 0) | (info.transposeB ? MatMulFlag.transposeB : 0) | (splitColumns ? MatMulFlag.splitColumns : 0),
    );
    block.setScalar(scalars.m, info.m);
    block.setScalar(scalars.k, info.k);
    block.setScalar(scalars.n, info.n);
  },

  decode(block: TaskBlock, memory: BufferTable): MatMulTask {
    const { buffers, scalars, decoded: d } = matMulTask;
    d.a = float32(block, memory, buffers.a);
    d.b = float32(block, memory, buffers.b);
    d.bias = optionalFloat32(block, memory, buffers.bias);
    d.c = float32(block, memory, buffers.c);
    d.activation = activationKind(block.scalar(scalars.activation));
    const flags = block.scalar(scalars.flags);
    d.transposeA = (flags & MatMulFlag.transposeA) !== 0;
    d.transposeB = (flags & MatMulFlag.transposeB) !== 0;
    d.splitColumns = (flags & MatMulFlag.splitColumns) !== 0;
    d.m = block.scalar(scalars.m);
    d.k = block.scalar(scalars.k);
    d.n = block.scalar(scalars.n);
    return d;
  },
};

/** maxPool over samples: y and the flat input index of each window's maximum. */
export interface MaxPoolTask {
  x: Float32Array;
  y: Float32Array;
  argmax: Float32Array;
  readonly geometry: PoolGeometry;
}

export const maxPoolTask = {
  op: 5,
  buffers: { x: 0, y: 1, argmax: 2 },
  decoded: { x: NONE, y: NONE, argmax: NONE, geometry: poolGeometry() } as MaxPoolTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, x: Float32Array, y: Float32Array, argmax: Float32Array, info: Pool2DInfo): void {
    const { buffers } = maxPoolTask;
    block.begin(maxPoolTask.op, plan);
    setHandle(block, buffers.x, ids, x);
    setHandle(block, buffers.y, ids, y);
    setHandle(block, buffers.argmax, ids, argmax);
    block.writeGeometry(POOL_FIELDS, info);
  },

  decode(block: TaskBlock, memory: BufferTable): MaxPoolTask {
    const { buffers, decoded: d } = maxPoolTask;
    d.x = float32(block, memory, buffers.x);
    d.y = float32(block, memory, buffers.y);
    d.argmax = float32(block, memory, buffers.argmax);
    block.readGeometry(POOL_FIELDS, d.geometry);
    return d;
  },
};

/** maxPoolBackward over samples: each dy added to the input position its argmax names. */
export interface MaxPoolBackwardTask {
  dy: Float32Array;
  argmax: Float32Array;
  dx: Float32Array;
  readonly geometry: PoolGeometry;
}

export const maxPoolBackwardTask = {
  op: 6,
  buffers: { dy: 0, argmax: 1, dx: 2 },
  decoded: { dy: NONE, argmax: NONE, dx: NONE, geometry: poolGeometry() } as MaxPoolBackwardTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, dy: Float32Array, argmax: Float32Array, dx: Float32Array, info: Pool2DInfo): void {
    const { buffers } = maxPoolBackwardTask;
    block.begin(maxPoolBackwardTask.op, plan);
    setHandle(block, buffers.dy, ids, dy);
    setHandle(block, buffers.argmax, ids, argmax);
    setHandle(block, buffers.dx, ids, dx);
    block.writeGeometry(POOL_FIELDS, info);
  },

  decode(block: TaskBlock, memory: BufferTable): MaxPoolBackwardTask {
    const { buffers, decoded: d } = maxPoolBackwardTask;
    d.dy = float32(block, memory, buffers.dy);
    d.argmax = float32(block, memory, buffers.argmax);
    d.dx = float32(block, memory, buffers.dx);
    block.readGeometry(POOL_FIELDS, d.geometry);
    return d;
  },
};

/** activation over elements: y = act(x). */
export interface ActivationTask {
  x: Float32Array;
  y: Float32Array;
  kind: ActivationKind;
}

export const activationTask = {
  op: 7,
  buffers: { x: 0, y: 1 },
  scalars: { kind: 0 },
  decoded: { x: NONE, y: NONE, kind: 'linear' } as ActivationTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, x: Float32Array, y: Float32Array, kind: ActivationKind): void {
    const { buffers, scalars } = activationTask;
    block.begin(activationTask.op, plan);
    setHandle(block, buffers.x, ids, x);
    setHandle(block, buffers.y, ids, y);
    block.setScalar(scalars.kind, activationCode(kind));
  },

  decode(block: TaskBlock, memory: BufferTable): ActivationTask {
    const { buffers, scalars, decoded: d } = activationTask;
    d.x = float32(block, memory, buffers.x);
    d.y = float32(block, memory, buffers.y);
    d.kind = activationKind(block.scalar(scalars.kind));
    return d;
  },
};

/** activationBackward over elements: dx from dy and the activation's output y. */
export interface ActivationBackwardTask {
  dy: Float32Array;
  y: Float32Array;
  dx: Float32Array;
  kind: ActivationKind;
}

export const activationBackwardTask = {
  op: 8,
  buffers: { dy: 0, y: 1, dx: 2 },
  scalars: { kind: 0 },
  decoded: { dy: NONE, y: NONE, dx: NONE, kind: 'linear' } as ActivationBackwardTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, dy: Float32Array, y: Float32Array, dx: Float32Array, kind: ActivationKind): void {
    const { buffers, scalars } = activationBackwardTask;
    block.begin(activationBackwardTask.op, plan);
    setHandle(block, buffers.dy, ids, dy);
    setHandle(block, buffers.y, ids, y);
    setHandle(block, buffers.dx, ids, dx);
    block.setScalar(scalars.kind, activationCode(kind));
  },

  decode(block: TaskBlock, memory: BufferTable): ActivationBackwardTask {
    const { buffers, scalars, decoded: d } = activationBackwardTask;
    d.dy = float32(block, memory, buffers.dy);
    d.y = float32(block, memory, buffers.y);
    d.dx = float32(block, memory, buffers.dx);
    d.kind = activationKind(block.scalar(scalars.kind));
    return d;
  },
};

/**
 * biasGrad over rows, in fixed chunks: chunk c writes the float64 column sums of its rows at
 * c * channels in `partial`; the calling thread adds them up.
 */
export interface BiasGradTask {
  dy: Float32Array;
  partial: Float64Array;
  channels: number;
}

export const biasGradTask = {
  op: 9,
  buffers: { dy: 0, partial: 1 },
  scalars: { channels: 0 },
  decoded: { dy: NONE, partial: NONE64, channels: 0 } as BiasGradTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, dy: Float32Array, partialId: number, channels: number): void {
    const { buffers, scalars } = biasGradTask;
    block.begin(biasGradTask.op, plan);
    setHandle(block, buffers.dy, ids, dy);
    block.setBuffer(buffers.partial, partialId);
    block.setScalar(scalars.channels, channels);
  },

  decode(block: TaskBlock, memory: BufferTable): BiasGradTask {
    const { buffers, scalars, decoded: d } = biasGradTask;
    d.dy = float32(block, memory, buffers.dy);
    d.partial = float64(block, memory, buffers.partial);
    d.channels = block.scalar(scalars.channels);
    return d;
  },
};

/** sgdUpdate over elements, in place on param (and velocity, with momentum). */
export interface SgdUpdateTask {
  param: Float32Array;
  grad: Float32Array;
  velocity: Float32Array | null;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

export const sgdUpdateTask = {
  op: 10,
  buffers: { param: 0, grad: 1, velocity: 2 },
  scalars: { nesterov: 0 },
  floats: { learningRate: 0, momentum: 1 },
  decoded: { param: NONE, grad: NONE, velocity: null, learningRate: 0, momentum: 0, nesterov: false } as SgdUpdateTask,

  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, param: Float32Array, grad: Float32Array, velocity: Float32Array | null, info: SgdInfo): void {
    const { buffers, scalars, floats } = sgdUpdateTask;
    block.begin(sgdUpdateTask.op, plan);
    setHandle(block, buffers.param, ids, param);
    setHandle(block, buffers.grad, ids, grad);
    setHandle(block, buffers.velocity, ids, velocity);
    block.setScalar(scalars.nesterov, info.nesterov ? 1 : 0);
    block.floats[floats.learningRate] = info.learningRate;
    block.floats[floats.momentum] = info.momentum;
  },

  decode(block: TaskBlock, memory: BufferTable): SgdUpdateTask {
    const { buffers, scalars, floats, decoded: d } = sgdUpdateTask;
    d.param = float32(block, memory, buffers.param);
    d.grad = float32(block, memory, buffers.grad);
    d.velocity = optionalFloat32(block, memory, buffers.velocity);
    d.nesterov = block.scalar(scalars.nesterov) !== 0;
    d.learningRate = block.floats[floats.learningRate]!;
    d.momentum = block.floats[floats.momentum]!;
    return d;
  },
};

/** Every task kind, for the check that no two share an op and that each one's slots fit the block. */
export const TASK_KINDS = {
  conv2d: conv2dTask,
  conv2dBackwardInput: conv2dBackwardInputTask,
  conv2dBackwardFilter: conv2dBackwardFilterTask,
  matMul: matMulTask,
  maxPool: maxPoolTask,
  maxPoolBackward: maxPoolBackwardTask,
  activation: activationTask,
  activationBackward: activationBackwardTask,
  biasGrad: biasGradTask,
  sgdUpdate: sgdUpdateTask,
} as const;

export const TASK_LIMITS = { buffers: BUFFER_SLOTS, scalars: SCALAR_SLOTS, floats: TASK_FLOATS } as const;
