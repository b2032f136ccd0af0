import { HandleRegistry } from '@lenet-ts/core';
import type { SharedMemory } from './shared-memory.js';

/**
 * Live handles over the shared buffer pool. A handle is a fresh Float32Array view of a pooled buffer; it
 * counts from creation until its first dispose, which returns the buffer to the pool. Core's registry
 * holds the views weakly, so a disposed view (whose buffer may already serve another handle) is refused,
 * and a view collected without a dispose gives its buffer back to the pool and stops counting.
 */
export class PooledHandles {
  private readonly live: HandleRegistry<Float32Array, number>;

  constructor(private readonly memory: SharedMemory) {
    this.live = new HandleRegistry('cpu', { onCollected: (id) => memory.release(id) });
  }

  /** A live handle of `size` elements; its contents are stale (callers overwrite or zero them). */
  allocate(size: number): Float32Array {
    const id = this.memory.allocate(size * 4);
    const view = new Float32Array(this.memory.buffer(id));
    return this.live.add(view, view.byteLength, id);
  }

  isLive(array: Float32Array): boolean {
    return this.live.has(array);
  }

  /** Throws core's HandleError unless the array is a live handle of this backend. */
  assertLive(array: Float32Array, what: string): void {
    this.live.assertLive(array, what);
  }

  /** Stops counting a handle and recycles its buffer; a second dispose (or a foreign array) is a no-op. */
  release(array: Float32Array): void {
    if (this.live.delete(array)) this.memory.release(this.memory.idOf(array));
  }

  /** The buffer id a live handle views. */
  idOf(array: Float32Array): number {
    return this.memory.idOf(array);
  }

  get handles(): number {
    return this.live.handles;
  }

  get bytes(): number {
    return this.live.bytes;
  }
}
