import { shareableBuffer } from './task-runner.js';
/**
 * Every handle's memory is a SharedArrayBuffer, so that worker threads compute on it in place. Buffers
 * are recycled by size: once a training step has run, later steps allocate nothing. Each buffer has a
 * small integer id by which tasks name it; workers learn a new buffer (id and memory) the moment it is
 * made, through `onCreate`.
 */
export class SharedMemory {
  private readonly buffers: SharedArrayBuffer[] = [];
  private readonly ids = new WeakMap<ArrayBufferLike, number>();
  private readonly free = new Map<number, number[]>();
  private readonly float32Views: (Float32Array | undefined)[] = [];
  private readonly float64Views: (Float64Array | undefined)[] = [];
  private pooledBytes = 0;

  constructor(private readonly onCreate: (id: number, buffer: SharedArrayBuffer) => void) {}

  /** A buffer of exactly `bytes` bytes, recycled if one is free (its contents are then stale). */
  allocate(bytes: number): number {
    const id = this.free.get(bytes)?.pop();
    if (id !== undefined) {
      this.pooledBytes -= bytes;
      return id;
    }
    const buffer = shareableBuffer(bytes);
    const fresh = this.buffers.length;
    this.buffers.push(buffer);
    this.ids.set(buffer, fresh);
    this.onCreate(fresh, buffer);
    return fresh;
  }

  /** Returns a buffer to the pool; the caller must not touch it afterwards. */
  release(id: number): void {
    const bytes = this.buffers[id]!.byteLength;
    let list = this.free.get(bytes);
    if (list === undefined) {
      list = [];
      this.free.set(bytes, list);
    }
    list.push(id);
    this.pooledBytes += bytes;
  }

  /** The id of the buffer a handle views, or -1 for memory this pool did not make. */
  idOf(view: ArrayBufferView): number {
    return this.ids.get(view.buffer) ?? -1;
  }

  buffer(id: number): SharedArrayBuffer {
    return this.buffers[id]!;
  }

  /** Every buffer made so far, for a worker that starts late. */
  all(): readonly SharedArrayBuffer[] {
    return this.buffers;
  }

  /** A cached whole-buffer view, for the compute kernels (handles get views of their own). */
  float32(id: number): Float32Array {
    return (this.float32Views[id] ??= new Float32Array(this.buffers[id]!));
  }

  float64(id: number): Float64Array {
    return (this.float64Views[id] ??= new Float64Array(this.buffers[id]!));
  }

  /** Bytes held in the pool for reuse (not counted as live handles). */
  get idleBytes(): number {
    return this.pooledBytes;
  }
}
