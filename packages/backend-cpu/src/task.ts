import type { ActivationKind, Backend } from '@lenet-ts/core';
import type { ChunkPlan } from './chunk-scheduler.js';
import type { ConvGeometry } from './conv2d.js';
import type { PoolGeometry } from './pool.js';
import { shareableBuffer } from './task-runner.js';

/**
 * A task is one primitive call cut into chunks that any thread may run, described in a small shared
 * block of integers (buffer ids, scalars, geometry) and floats. The calling thread encodes it; every
 * thread decodes it and runs the chunks it claims. Each task kind below is one declaration of what its
 * task carries; `encode` (calling thread, cpu-backend.ts) and `decode` (every thread, executor.ts) are
 * both derived from it, so the two sides cannot drift apart.
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

/** Integer slots of the block; each kind names its own buffers, scalars and floats within their ranges. */
const Slot = {
  op: 0,
  /** How many units (pixels, samples, rows, columns or elements, by kind) the task covers. */
  units: 1,
  chunkSize: 2,
  /** Buffer ids, -1 for none. */
  buffers: 3,
  /** Integer parameters: activation codes, 0/1 switches, sizes. */
  scalars: 9,
  /** Convolution or pooling geometry, in the order of CONV_FIELDS or POOL_FIELDS. */
  geometry: 17,
} as const;

const BUFFER_SLOTS = Slot.scalars - Slot.buffers;
const SCALAR_SLOTS = Slot.geometry - Slot.scalars;
const TASK_INTS = 32;
const GEOMETRY_SLOTS = TASK_INTS - Slot.geometry;
const TASK_FLOATS = 4;

/** The order in which a geometry's fields travel: every field of the kernels' geometry (a list missing one does not compile). */
function allFields<T>() {
  return <const L extends readonly (keyof T)[]>(fields: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : never)): L => fields;
}
const CONV_FIELDS = allFields<ConvGeometry>()([
  'batch',
  'inHeight',
  'inWidth',
  'inChannels',
  'outHeight',
  'outWidth',
  'outChannels',
  'filterHeight',
  'filterWidth',
  'strideHeight',
  'strideWidth',
  'padTop',
  'padLeft',
]);
const POOL_FIELDS = allFields<PoolGeometry>()([
  'batch',
  'inHeight',
  'inWidth',
  'channels',
  'outHeight',
  'outWidth',
  'poolHeight',
  'poolWidth',
  'strideHeight',
  'strideWidth',
  'padTop',
  'padLeft',
]);

/** Activation kinds by the code a task carries (also the codes of activation.ts: LINEAR, SIGMOID, RELU). */
const ACTIVATION_CODES: readonly ActivationKind[] = ['linear', 'sigmoid', 'relu'];

export function activationCode(kind: ActivationKind): number {
  return ACTIVATION_CODES.indexOf(kind);
}

export function activationKind(code: number): ActivationKind {
  return ACTIVATION_CODES[code]!;
}

/** The shared task block: integers first, then TASK_FLOATS float64s. */
export class TaskBlock {
  readonly ints: Int32Array;
  readonly floats: Float64Array;

  constructor(readonly shared: SharedArrayBuffer = shareableBuffer(TASK_INTS * 4 + TASK_FLOATS * 8)) {
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
}

/**
 * A buffer a task names: a handle (`float32`), a handle or null (`optional float32`), or the calling
 * thread's float64 scratch for partial sums, named by its id (`float64`).
 */
type BufferKind = 'float32' | 'optional float32' | 'float64';

interface TaskLayout<B extends Record<string, BufferKind>, S extends string, F extends string, G extends string> {
  readonly buffers: B;
  /** Integer parameters. */
  readonly scalars?: readonly S[];
  /** Float64 parameters. */
  readonly floats?: readonly F[];
  /** The geometry's fields, for kinds that carry one. */
  readonly geometry?: readonly G[];
}

type Geometry<G extends string> = [G] extends [never] ? unknown : { readonly geometry: Readonly<Record<G, number>> };

/** What the calling thread encodes: handles (float64 scratch by id), scalars, floats and the geometry. */
export type TaskInput<B extends Record<string, BufferKind>, S extends string, F extends string, G extends string> = {
  readonly [K in keyof B]: B[K] extends 'float64' ? number : B[K] extends 'optional float32' ? Float32Array | null : Float32Array;
} & { readonly [K in S | F]: number } & Geometry<G>;

/** What a thread decodes: whole-buffer views (null for an absent optional buffer) and the same numbers. */
export type DecodedTask<B extends Record<string, BufferKind>, S extends string, F extends string, G extends string> = {
  readonly [K in keyof B]: B[K] extends 'float64' ? Float64Array : B[K] extends 'optional float32' ? Float32Array | null : Float32Array;
} & { readonly [K in S | F]: number } & Geometry<G>;

export interface TaskKind<B extends Record<string, BufferKind>, S extends string, F extends string, G extends string> {
  readonly op: number;
  /** Writes one call's task into the block, cut as `plan` says. */
  encode(block: TaskBlock, ids: BufferIds, plan: ChunkPlan, input: TaskInput<B, S, F, G>): void;
  /**
   * Reads the task back on any thread, into one object per kind and thread that the next decode of the
   * kind overwrites: a thread runs one chunk at a time, and uses a decoded task only within it.
   */
  decode(block: TaskBlock, memory: BufferTable): DecodedTask<B, S, F, G>;
}

const NO_BUFFER = -1;

/**
 * One task kind from its layout: encode and decode both walk the layout's names in the same order, so
 * what the calling thread writes is what every thread reads.
 */
function defineTask<const B extends Record<string, BufferKind>, const S extends string = never, const F extends string = never, const G extends string = never>(
  op: number,
  layout: TaskLayout<B, S, F, G>,
): TaskKind<B, S, F, G> {
  const buffers = Object.keys(layout.buffers);
  const kinds = buffers.map((name) => layout.buffers[name]!);
  const scalars: readonly string[] = layout.scalars ?? [];
  const floats: readonly string[] = layout.floats ?? [];
  const geometry: readonly string[] = layout.geometry ?? [];
  if (buffers.length > BUFFER_SLOTS || scalars.length > SCALAR_SLOTS || floats.length > TASK_FLOATS || geometry.length > GEOMETRY_SLOTS) {
    throw new Error(`cpu backend: task ${op} does not fit the task block`);
  }
  // Every field present from the start, so that the decoded object keeps one shape.
  const decoded: Record<string, unknown> = {};
  for (let i = 0; i < buffers.length; i++) decoded[buffers[i]!] = null;
  for (const name of [...scalars, ...floats]) decoded[name] = 0;
  const decodedGeometry: Record<string, number> = {};
  for (const field of geometry) decodedGeometry[field] = 0;
  if (geometry.length > 0) decoded.geometry = decodedGeometry;

  return {
    op,
    encode(block, ids, plan, input) {
      const values: Readonly<Record<string, unknown>> = input;
      const t = block.ints;
      t[Slot.op] = op;
      t[Slot.units] = plan.units;
      t[Slot.chunkSize] = plan.chunkSize;
      for (let i = 0; i < buffers.length; i++) {
        const value = values[buffers[i]!] as Float32Array | number | null;
        t[Slot.buffers + i] = typeof value === 'number' ? value : value === null ? NO_BUFFER : ids.idOf(value);
      }
      for (let i = 0; i < scalars.length; i++) t[Slot.scalars + i] = values[scalars[i]!] as number;
      for (let i = 0; i < floats.length; i++) block.floats[i] = values[floats[i]!] as number;
      const info = values.geometry as Readonly<Record<string, number>> | undefined;
      for (let i = 0; i < geometry.length; i++) t[Slot.geometry + i] = info![geometry[i]!]!;
    },
    decode(block, memory) {
      const t = block.ints;
      for (let i = 0; i < buffers.length; i++) {
        const id = t[Slot.buffers + i]!;
        const kind = kinds[i];
        decoded[buffers[i]!] = kind === 'float64' ? memory.float64(id) : kind === 'optional float32' && id === NO_BUFFER ? null : memory.float32(id);
      }
      for (let i = 0; i < scalars.length; i++) decoded[scalars[i]!] = t[Slot.scalars + i]!;
      for (let i = 0; i < floats.length; i++) decoded[floats[i]!] = block.floats[i]!;
      for (let i = 0; i < geometry.length; i++) decodedGeometry[geometry[i]!] = t[Slot.geometry + i]!;
      return decoded as DecodedTask<B, S, F, G>;
    },
  };
}

/**
 * Every task kind, by the primitive it runs: one declaration of what its task carries. Switches travel
 * as 0 or 1, activations as activationCode().
 */
export const Task = {
  /** conv2d over samples: y = act(conv(x, filter) + bias); `activation` is a code. */
  conv2d: defineTask(1, {
    buffers: { x: 'float32', filter: 'float32', bias: 'optional float32', y: 'float32' },
    scalars: ['activation'],
    geometry: CONV_FIELDS,
  }),

  /** conv2dBackwardInput over samples: dx, conv2d's gradient with respect to x. */
  conv2dBackwardInput: defineTask(2, {
    buffers: { dy: 'float32', filter: 'float32', dx: 'float32' },
    geometry: CONV_FIELDS,
  }),

  /**
   * conv2dBackwardFilter over output pixels, in fixed chunks: chunk c writes its float64 partial sum of
   * the filter gradient at c * filterSize in `partial`; the calling thread adds them up.
   */
  conv2dBackwardFilter: defineTask(3, {
    buffers: { x: 'float32', dy: 'float32', partial: 'float64' },
    geometry: CONV_FIELDS,
  }),

  /** matMul over the rows of c, or its columns with `splitColumns`: c = act(op(a) op(b) + bias). */
  matMul: defineTask(4, {
    buffers: { a: 'float32', b: 'float32', bias: 'optional float32', c: 'float32' },
    scalars: ['activation', 'm', 'k', 'n', 'transposeA', 'transposeB', 'splitColumns'],
  }),

  /** maxPool over samples: y, and the flat input index of each window's maximum. */
  maxPool: defineTask(5, {
    buffers: { x: 'float32', y: 'float32', argmax: 'float32' },
    geometry: POOL_FIELDS,
  }),

  /** maxPoolBackward over samples: each dy added to the input position its argmax names. */
  maxPoolBackward: defineTask(6, {
    buffers: { dy: 'float32', argmax: 'float32', dx: 'float32' },
    geometry: POOL_FIELDS,
  }),

  /** activation over elements: y = act(x). */
  activation: defineTask(7, {
    buffers: { x: 'float32', y: 'float32' },
    scalars: ['activation'],
  }),

  /** activationBackward over elements: dx from dy and the activation's output y. */
  activationBackward: defineTask(8, {
    buffers: { dy: 'float32', y: 'float32', dx: 'float32' },
    scalars: ['activation'],
  }),

  /**
   * biasGrad over rows, in fixed chunks: chunk c writes the float64 column sums of its rows at
   * c * channels in `partial`; the calling thread adds them up.
   */
  biasGrad: defineTask(9, {
    buffers: { dy: 'float32', partial: 'float64' },
    scalars: ['channels'],
  }),

  /** sgdUpdate over elements, in place on param (and velocity, with momentum). */
  sgdUpdate: defineTask(10, {
    buffers: { param: 'float32', grad: 'float32', velocity: 'optional float32' },
    scalars: ['nesterov'],
    floats: ['learningRate', 'momentum'],
  }),

  /** adaptiveUpdate over elements, in place on param, m (Adam only) and v; kind 0 is Adam, 1 RMSprop. */
  adaptiveUpdate: defineTask(11, {
    buffers: { param: 'float32', grad: 'float32', m: 'optional float32', v: 'float32' },
    scalars: ['kind'],
    floats: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  }),
} as const satisfies Partial<Record<keyof Backend, unknown>>;
