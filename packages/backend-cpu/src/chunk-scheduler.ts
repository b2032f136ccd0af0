import { ShapeError } from '@lenet-ts/core';
import { MAX_CHUNKS } from './chunk-claims.js';

/**
 * How a primitive's work is cut into chunks, before any thread runs one. A primitive covers `units`
 * (samples, pixels, rows, columns or elements); chunk c covers units [c * chunkSize, min((c + 1) *
 * chunkSize, units)). Which thread runs a chunk never changes its result, so only the cut matters for
 * the numbers, and the two sums that cross chunks use a cut that does not depend on the thread count.
 * How the threads then claim the chunks is chunk-claims.ts.
 */

/** Floating-point operations below which a primitive stays on the calling thread: sharing it costs more. */
const PARALLEL_MIN_FLOPS = 200_000;
/** Elements below which an element-wise primitive stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 32_768;
/** Chunks per thread of a split primitive, so that a thread the OS delays holds the others up less. */
const CHUNKS_PER_THREAD = 4;
/** Element-wise chunks are whole multiples of this many elements. */
const ELEMENTWISE_ALIGN = 64;

/**
 * Output pixels per filter-gradient chunk and rows per bias-gradient chunk. Fixed, not derived from the
 * thread count: these tasks sum over their chunks, and a fixed split keeps the order of that sum, hence
 * every result bit, the same for any number of threads.
 */
export const FILTER_GRADIENT_CHUNK = 512;
export const BIAS_GRADIENT_CHUNK = 2048;

/** One primitive's cut: `chunks` chunks of `chunkSize` units (the last may be shorter). */
export interface ChunkPlan {
  readonly units: number;
  readonly chunkSize: number;
  readonly chunks: number;
  /** False keeps every chunk on the calling thread: the work is too small to be worth sharing. */
  readonly parallel: boolean;
}

/** Whether work of `flops` floating-point operations is worth sharing between threads. */
export function worthSharingFlops(flops: number): boolean {
  return flops >= PARALLEL_MIN_FLOPS;
}

/** Whether element-wise work over `elements` values is worth sharing between threads. */
export function worthSharingElements(elements: number): boolean {
  return elements >= PARALLEL_MIN_ELEMENTS;
}

export class ChunkScheduler {
  constructor(readonly threads: number) {}

  /**
   * Cuts `units` into about CHUNKS_PER_THREAD chunks per thread, each a multiple of `align` units; one
   * chunk when the work is not `parallel` or there is one thread.
   */
  split(units: number, align: number, parallel: boolean): ChunkPlan {
    let chunkSize = units;
    if (this.threads > 1 && parallel) {
      const wanted = Math.ceil(units / (this.threads * CHUNKS_PER_THREAD));
      chunkSize = Math.max(align, Math.ceil(wanted / align) * align);
    }
    return plan(units, chunkSize, parallel);
  }

  /** An element-wise primitive over `size` values. */
  splitElementwise(size: number): ChunkPlan {
    return this.split(size, ELEMENTWISE_ALIGN, worthSharingElements(size));
  }

  /**
   * Cuts a summed dimension of `units` into chunks of exactly `chunk` units whatever the thread count,
   * so that adding the chunks' partial sums in chunk order gives the same bits on any number of threads.
   * `what` names the primitive in the error for a dimension with more chunks than the claim word counts.
   */
  splitFixed(units: number, chunk: number, parallel: boolean, what: string): ChunkPlan {
    const result = plan(units, chunk, parallel);
    if (result.chunks > MAX_CHUNKS)
      throw new ShapeError(`cpu backend: ${what} over ${units} rows is too large (max ${MAX_CHUNKS * chunk}); use a smaller batch`);
    return result;
  }
}

function plan(units: number, chunkSize: number, parallel: boolean): ChunkPlan {
  const size = Math.max(chunkSize, 1);
  return { units, chunkSize: size, chunks: Math.max(1, Math.ceil(units / size)), parallel };
}
