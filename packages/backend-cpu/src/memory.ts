import type { SharedMemory } from './shared-memory.js';

/**
 * Live-handle accounting over the shared buffer pool. A handle is a fresh Float32Array view of a pooled
 * buffer; it counts from creation until its first dispose, which returns the buffer to the pool. A
 * WeakSet remembers which views are live, so a disposed view (whose buffer may already serve another
 * handle) is refused, and the registry never keeps a forgotten view reachable: when one is collected
 * without a dispose, its buffer goes back to the pool and it stops counting.
 */
export class HandleRegistry {
  private readonly live = new WeakSet<Float32Array>();
  private readonly forgotten = new FinalizationRegistry<number>((id) => this.collected(id));
  private handleCount = 0;
  private byteCount = 0;

  constructor(private readonly memory: SharedMemory) {}

  /** A live handle of `size` elements; its contents are stale (callers overwrite or zero them). */
  allocate(size: number): Float32Array {
    const id = this.memory.allocate(size * 4);
    const view = new Float32Array(this.memory.buffer(id));
    this.live.add(view);
    this.forgotten.register(view, id, view);
    this.handleCount += 1;
    this.byteCount += view.byteLength;
    return view;
  }

  isLive(array: Float32Array): boolean {
    return this.live.has(array);
  }

  /** Stops counting a handle and recycles its buffer; a second dispose (or a foreign array) is a no-op. */
  release(array: Float32Array): void {
    if (!this.live.delete(array)) return;
    this.forgotten.unregister(array);
    this.handleCount -= 1;
    this.byteCount -= array.byteLength;
    this.memory.release(this.memory.idOf(array));
  }

  /** The buffer id a live handle views. */
  idOf(array: Float32Array): number {
    return this.memory.idOf(array);
  }

  get handles(): number {
    return this.handleCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  private collected(id: number): void {
    this.handleCount -= 1;
    this.byteCount -= this.memory.buffer(id).byteLength;
    this.memory.release(id);
  }
}
