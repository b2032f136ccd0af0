/**
 * A tensor of the gpu.js backend. `data` is what the mode's kernels produce: a GL texture (headlessgl), a
 * Float32Array (webasm and cpu return plain arrays even with `pipeline: true`) or a pending WebGPU buffer.
 * Wrapping all of them lets dispose, read and memory() work the same way and count live handles exactly.
 */
export class GpujsHandle {
  /** @internal */
  constructor(
    /** Elements. */
    readonly size: number,
    /** @internal The device data; opaque outside the backend. */
    readonly data: unknown,
    /** Bytes the device holds for it (a GL texture is padded to a rectangle of RGBA texels). */
    readonly bytes: number,
  ) {}
}

/** Live handles of one backend. */
export class HandleRegistry {
  private readonly live = new Set<GpujsHandle>();
  private byteCount = 0;

  add(handle: GpujsHandle): GpujsHandle {
    this.live.add(handle);
    this.byteCount += handle.bytes;
    return handle;
  }

  has(handle: GpujsHandle): boolean {
    return this.live.has(handle);
  }

  /** Stops counting the handle; false if it was not live (a second dispose or a foreign handle). */
  delete(handle: GpujsHandle): boolean {
    if (!this.live.delete(handle)) return false;
    this.byteCount -= handle.bytes;
    return true;
  }

  /** Empties the registry and returns what was live. */
  drain(): GpujsHandle[] {
    const all = [...this.live];
    this.live.clear();
    this.byteCount = 0;
    return all;
  }

  get handles(): number {
    return this.live.size;
  }

  get bytes(): number {
    return this.byteCount;
  }
}
