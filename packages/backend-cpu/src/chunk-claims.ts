/**
 * How threads share out a published task's chunks: a small shared control block, written by the calling
 * thread (thread-pool.ts) and read by every worker (worker.ts). No import of core at run time: workers
 * load this module on their own.
 */

/** The claim word counts chunks in 16 bits. */
export const MAX_CHUNKS = 0xffff;

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

/** Offers chunks [0, chunks) of task `seq` to every thread (the word claimChunk counts down). */
export function publishChunks(control: Int32Array, seq: number, chunks: number): void {
  Atomics.store(control, Control.claim, (seq << 16) | chunks);
}

/**
 * Claims one chunk of task `seq`, or returns -1 when none is left (or the task is no longer current).
 * Chunks are handed out from the last one down.
 */
export function claimChunk(control: Int32Array, seq: number): number {
  for (;;) {
    const word = Atomics.load(control, Control.claim);
    if (word >>> 16 !== seq || (word & MAX_CHUNKS) === 0) return -1;
    if (Atomics.compareExchange(control, Control.claim, word, word - 1) === word) return (word & MAX_CHUNKS) - 1;
  }
}
