import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The tensors this backend handed out and the caller has not disposed yet: `memory()` reports exactly
 * these, not tf.memory() (which also counts other users of the shared tfjs engine and our caches).
 */
export class HandleRegistry {
  private readonly live = new Set<Tensor>();
  private byteCount = 0;

  adopt(t: Tensor): Tensor {
    if (!this.live.has(t)) {
      this.live.add(t);
      this.byteCount += bytesOf(t);
    }
    return t;
  }

  isLive(t: Tensor): boolean {
    return this.live.has(t) && !t.isDisposed;
  }

  /** Disposes a handle; a second dispose, or a tensor this backend did not make, is a no-op. */
  release(t: Tensor): void {
    if (!this.live.delete(t)) return;
    this.byteCount -= bytesOf(t);
    t.dispose();
  }

  releaseAll(): void {
    for (const t of [...this.live]) this.release(t);
  }

  get handles(): number {
    return this.live.size;
  }

  get bytes(): number {
    return this.byteCount;
  }
}

function bytesOf(t: Tensor): number {
  return t.size * 4;
}
