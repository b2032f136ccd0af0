/**
 * The task block the main thread writes and every thread's kernel module reads (assembly/index.ts holds
 * the same numbers), and the control words of the thread team. Both live in the shared memory.
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
  sgd: 9,
  biasGrad: 10,
  adaptive: 11,
} as const;

/** Int32 slots of the task block. */
export const Slot = {
  op: 0,
  /** Rows, samples or elements (by op) the task covers; chunk c covers [c * chunkSize, (c + 1) * chunkSize). */
  units: 1,
  chunkSize: 2,
  /** Six byte addresses in the shared memory; 0 for none. */
  pointers: 3,
  activation: 9,
  flags: 10,
  /** Per-thread scratch: base address and bytes per thread. */
  scratch: 11,
  scratchStride: 12,
  /** Thirteen integers: conv or pool geometry, or matMul's sizes, strides and split; adaptive's six float32s (ADAPTIVE_FLOATS). */
  geometry: 13,
  /** Float32 slots. */
  learningRate: 26,
  momentum: 27,
} as const;

/** What adaptiveUpdate writes, as float32, from Slot.geometry on. */
export const ADAPTIVE_FLOATS = { learningRate: 0, beta1: 1, oneMinusBeta1: 2, beta2: 3, oneMinusBeta2: 4, epsilon: 5 } as const;

/** The task's 128 bytes, then the kernels' vector constants (assembly/simd.ts, 256 bytes). */
export const TASK_BYTES = 384;

/** Int32 words of the control block. */
export const Control = {
  /** Bumped (16 bits) for each published task; idle workers spin, then sleep, on it. */
  seq: 0,
  /** (seq << 16) | chunks not yet claimed: a claim for a stale task fails its compare-exchange. */
  claim: 1,
  /** Chunks finished. */
  done: 2,
  /** Non-zero tells the workers to exit. */
  quit: 3,
  /** Set by a worker whose chunk threw; the error follows on its port. */
  failed: 4,
  /** Workers serving. */
  ready: 5,
  /** Chunks run by workers so far: shows the work really is shared. */
  workerChunks: 6,
} as const;

export const CONTROL_BYTES = 64;

export const ACTIVATION_CODES = ['linear', 'sigmoid', 'relu'] as const;

/**
 * Samples per filter-gradient chunk and rows per bias-gradient chunk. Fixed, never derived from the thread
 * count: these sums are cut into chunks whose partial sums are added in chunk order, and a fixed cut keeps
 * that order, hence every bit, the same for any number of threads.
 */
export const FILTER_GRADIENT_SAMPLES = 4;
export const BIAS_GRADIENT_ROWS = 1024;

/** Claims one chunk of task `seq`, or -1 when none is left or the task is no longer current. */
export function claimChunk(control: Int32Array, seq: number): number {
  for (;;) {
    const word = Atomics.load(control, Control.claim);
    if (word >>> 16 !== seq || (word & 0xffff) === 0) return -1;
    if (Atomics.compareExchange(control, Control.claim, word, word - 1) === word) return (word & 0xffff) - 1;
  }
}
