/**
 * Live-handle accounting. A handle counts from creation until its first dispose; a WeakSet (not a Set)
 * remembers which arrays are live so that the registry never keeps a forgotten array reachable.
 */
export class HandleRegistry {
  private readonly live = new WeakSet<Float32Array>();
  private handleCount = 0;
  private byteCount = 0;

  /** A fresh zero-filled array that counts as a live handle. */
  allocate(size: number): Float32Array {
    return this.adopt(new Float32Array(size));
  }

  /** Starts counting an array this backend just created. */
  adopt(array: Float32Array): Float32Array {
    if (!this.live.has(array)) {
      this.live.add(array);
      this.handleCount += 1;
      this.byteCount += array.byteLength;
    }
    return array;
  }

  isLive(array: Float32Array): boolean {
    return this.live.has(array);
  }

  /** Stops counting an array; a second dispose (or a foreign array) is a no-op. */
  release(array: Float32Array): void {
    if (!this.live.delete(array)) return;
    this.handleCount -= 1;
    this.byteCount -= array.byteLength;
  }

  get handles(): number {
    return this.handleCount;
  }

  get bytes(): number {
    return this.byteCount;
  }
}
