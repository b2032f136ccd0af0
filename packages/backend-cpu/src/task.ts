import type { ActivationKind } from '@lenet-ts/core';

/**
 * A task is one primitive call cut into chunks that any thread may run, described in a small shared
 * block of integers (buffer ids, geometry) and floats. The main thread writes it; every thread reads it
 * and runs the chunks it claims. Chunk c covers units [c * chunkSize, min((c + 1) * chunkSize, units)).
 */
export const Op = {
  conv2d: 1,
  conv2dBackwardInput: 2,
  conv2dBackwardFilter: 3,
  matMul: 4,
  maxPool: 5,
  maxPoolBackward: 6,
  activation: 7,
  activationBackward: 8,
  biasGrad: 9,
  sgd: 10,
} as const;

/** Integer slots of the task block. */
export const Slot = {
  op: 0,
  /** How many units (pixels, samples, rows, columns or elements, by op) the task covers. */
  units: 1,
  chunkSize: 2,
  /** Six buffer ids; -1 for none. */
  buffers: 3,
  activation: 9,
  flags: 10,
  m: 11,
  k: 12,
  n: 13,
  /** Convolution or pooling geometry, 13 integers. */
  geometry: 16,
} as const;

export const TASK_INTS = 32;
export const TASK_FLOATS = 4;

/** Float slots: the SGD hyper-parameters. */
export const FloatSlot = { learningRate: 0, momentum: 1 } as const;

/** Flags: matMul's operand layout and split, SGD's Nesterov switch. */
export const Flag = { transposeA: 1, transposeB: 2, splitColumns: 4, nesterov: 8 } as const;

export const ACTIVATION_CODES: readonly ActivationKind[] = ['linear', 'sigmoid', 'relu'];

/**
 * Output pixels per filter-gradient chunk and rows per bias-gradient chunk. Fixed, not derived from the
 * thread count: these tasks sum over their chunks, and a fixed split keeps the order of that sum, hence
 * every result bit, the same for any number of threads.
 */
export const FILTER_GRADIENT_CHUNK = 512;
export const BIAS_GRADIENT_CHUNK = 2048;

/** Layout of the control block: the task's sequence number, the claim word and the done counter. */
export const Control = {
  /** Bumped (16 bits) for each published task; idle workers wait on it. */
  seq: 0,
  /** (seq << 16) | chunks not yet claimed: a claim of a stale task fails its compare-exchange. */
  claim: 1,
  /** Chunks finished. */
  done: 2,
  /** Non-zero tells the workers to exit. */
  quit: 3,
  /** Set by a worker whose chunk threw; the error follows on its port. */
  failed: 4,
  /** Workers that have started serving. */
  ready: 5,
  /** Chunks run by workers so far (a diagnostic: it shows the work really is shared). */
  workerChunks: 6,
} as const;

export const CONTROL_INTS = 7;

/**
 * Claims one chunk of task `seq`, or returns -1 when none is left (or the task is no longer current).
 * Chunks are handed out from the last one down.
 */
export function claimChunk(control: Int32Array, seq: number): number {
  for (;;) {
    const word = Atomics.load(control, Control.claim);
    if (word >>> 16 !== seq || (word & 0xffff) === 0) return -1;
    if (Atomics.compareExchange(control, Control.claim, word, word - 1) === word) return (word & 0xffff) - 1;
  }
}
