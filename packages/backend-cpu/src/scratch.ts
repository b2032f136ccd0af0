/**
 * Reusable work buffers that grow to the largest request and are never shrunk, so that a training step
 * allocates nothing beyond the arrays it returns. Slots are named by the caller; two live uses of one
 * slot at the same time are a bug.
 */
export class ScratchBuffers {
  private readonly floats = new Map<string, Float32Array>();
  private readonly doubles = new Map<string, Float64Array>();
  private readonly ints = new Map<string, Int32Array>();

  float32(slot: string, size: number): Float32Array {
    const current = this.floats.get(slot);
    if (current !== undefined && current.length >= size) return current;
    const grown = new Float32Array(grow(current?.length ?? 0, size));
    this.floats.set(slot, grown);
    return grown;
  }

  float64(slot: string, size: number): Float64Array {
    const current = this.doubles.get(slot);
    if (current !== undefined && current.length >= size) return current;
    const grown = new Float64Array(grow(current?.length ?? 0, size));
    this.doubles.set(slot, grown);
    return grown;
  }

  int32(slot: string, size: number): Int32Array {
    const current = this.ints.get(slot);
    if (current !== undefined && current.length >= size) return current;
    const grown = new Int32Array(grow(current?.length ?? 0, size));
    this.ints.set(slot, grown);
    return grown;
  }

  clear(): void {
    this.floats.clear();
    this.doubles.clear();
    this.ints.clear();
  }
}

/** Grows by at least half again so that slowly increasing requests do not reallocate every time. */
function grow(current: number, wanted: number): number {
  return Math.max(wanted, Math.ceil(current * 1.5));
}
