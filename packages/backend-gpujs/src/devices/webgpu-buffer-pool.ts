/** The GPUBuffer calls the pool needs. */
export interface GpuBufferLike {
  readonly size: number;
  readonly usage: number;
  destroy(): void;
}

/** The GPUDevice call the pool wraps. */
export interface GpuDeviceLike {
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean; label?: string }): GpuBufferLike;
}

/** GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC: what gpu.js gives every kernel output. */
const KERNEL_OUTPUT_USAGE = 0x0080 | 0x0004;

/** Counts a test reads to prove that training stops allocating once every shape has run. */
export interface BufferPoolStats {
  /** Storage buffers the driver holds for kernel outputs: handed out plus waiting in the pool. */
  readonly buffers: number;
  /** Of those, waiting for reuse. */
  readonly free: number;
  /** Buffers ever created through the pool (grows only when a new size or a new high-water mark is needed). */
  readonly created: number;
  /** Allocations answered from the pool. */
  readonly reused: number;
}

/**
 * Recycles kernel-output storage buffers. gpu.js gives every immutable pipeline result a fresh GPUBuffer
 * and destroys it when the result is deleted, so a training step would create and destroy ~40 buffers.
 * Here `destroy()` on such a buffer returns it to a free list keyed by (size, usage) and the next
 * `createBuffer` of that size takes it back. Reuse is safe because one queue executes submits in order:
 * every dispatch that read the old contents was submitted before the release, every write to the new
 * owner after it. gpu.js writes every element of an output, so stale contents are never observed.
 */
export class WebGpuBufferPool {
  private readonly free = new Map<string, GpuBufferLike[]>();
  private readonly idle = new WeakSet<GpuBufferLike>();
  private readonly realDestroy = new WeakMap<GpuBufferLike, () => void>();
  private total = 0;
  private freeCount = 0;
  private createdCount = 0;
  private reusedCount = 0;

  /** Routes the device's kernel-output allocations through the pool; returns the same device. */
  attach<D extends GpuDeviceLike>(device: D): D {
    const create = device.createBuffer.bind(device);
    device.createBuffer = (descriptor) => {
      if (descriptor.usage !== KERNEL_OUTPUT_USAGE || descriptor.mappedAtCreation) return create(descriptor);
      const key = `${descriptor.size}:${descriptor.usage}`;
      const reusable = this.free.get(key)?.pop();
      if (reusable) {
        this.idle.delete(reusable);
        this.freeCount--;
        this.reusedCount++;
        return reusable;
      }
      const buffer = create(descriptor);
      this.createdCount++;
      this.total++;
      this.realDestroy.set(buffer, buffer.destroy.bind(buffer));
      // An own property shadows the native method: gpu.js's delete() lands here.
      Object.defineProperty(buffer, 'destroy', { value: () => this.release(key, buffer), configurable: true });
      return buffer;
    };
    return device;
  }

  stats(): BufferPoolStats {
    return { buffers: this.total, free: this.freeCount, created: this.createdCount, reused: this.reusedCount };
  }

  /** Really destroys the buffers waiting for reuse (a closing backend gives their memory back). */
  trim(): void {
    for (const list of this.free.values()) {
      for (const buffer of list) {
        this.idle.delete(buffer);
        this.realDestroy.get(buffer)!();
        this.total--;
      }
    }
    this.free.clear();
    this.freeCount = 0;
  }

  private release(key: string, buffer: GpuBufferLike): void {
    // A second destroy of the same buffer must not hand it to two owners.
    if (this.idle.has(buffer)) return;
    this.idle.add(buffer);
    this.freeCount++;
    let list = this.free.get(key);
    if (!list) this.free.set(key, (list = []));
    list.push(buffer);
  }
}
