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
