/**
 * Live-handle bookkeeping every backend needs: which handles it made and the caller has not disposed,
 * and how many bytes they hold (what `Backend.memory()` reports), plus the one error for a handle used
 * after dispose or after close.
 */

/** A handle used after its dispose or its backend's close, or one another backend made. */
export class HandleError extends Error {
  override readonly name = 'HandleError';

  static disposed(backend: string, what: string): HandleError {
    return new HandleError(`${backend} backend: ${what} is disposed or was not made by this backend; keep handles alive until their last use`);
  }

  static closed(backend: string): HandleError {
    return new HandleError(`${backend} backend: used after close(); create a new backend`);
  }
}

export interface HandleRegistryOptions<T> {
  /**
   * Called when a handle is garbage-collected without a dispose, with the token it was added with (e.g. a
   * pooled buffer to recycle). With it the registry holds handles weakly and cannot `drain`; without it,
   * handles stay reachable until released (backends that must free device objects on close).
   */
  readonly onCollected?: (token: T) => void;
}

interface Entry<T> {
  readonly bytes: number;
  readonly token: T;
}

export class HandleRegistry<H extends object, T = undefined> {
  private readonly weak = new WeakMap<H, Entry<T>>();
  private readonly strong: Set<H> | null;
  private readonly forgotten: FinalizationRegistry<Entry<T>> | null;
  private handleCount = 0;
  private byteCount = 0;

  constructor(
    private readonly backend: string,
    private readonly options: HandleRegistryOptions<T> = {},
  ) {
    this.strong = options.onCollected ? null : new Set();
    this.forgotten = options.onCollected ? new FinalizationRegistry((entry) => this.collected(entry)) : null;
  }

  /** Counts a new live handle; adding a live one again is a no-op. */
  add(handle: H, bytes: number, ...[token]: T extends undefined ? [] : [T]): H {
    if (this.weak.has(handle)) return handle;
    const entry: Entry<T> = { bytes, token: token as T };
    this.weak.set(handle, entry);
    this.strong?.add(handle);
    this.forgotten?.register(handle, entry, handle);
    this.handleCount += 1;
    this.byteCount += bytes;
    return handle;
  }

  has(handle: H): boolean {
    return this.weak.has(handle);
  }

  /** Throws HandleError unless `handle` is live; `what` names it in the message (e.g. `conv2d input`). */
  assertLive(handle: H, what: string): void {
    if (!this.weak.has(handle)) throw HandleError.disposed(this.backend, what);
  }

  /** Stops counting a handle; false (and nothing done) for a second dispose or a foreign handle. */
  delete(handle: H): boolean {
    const entry = this.weak.get(handle);
    if (!entry) return false;
    this.weak.delete(handle);
    this.strong?.delete(handle);
    this.forgotten?.unregister(handle);
    this.handleCount -= 1;
    this.byteCount -= entry.bytes;
    return true;
  }

  /** Stops counting every handle and returns them (for close); only for a registry without `onCollected`. */
  drain(): H[] {
    if (!this.strong) throw new Error('HandleRegistry.drain needs a registry that keeps its handles (no onCollected)');
    const all = [...this.strong];
    for (const handle of all) this.delete(handle);
    return all;
  }

  get handles(): number {
    return this.handleCount;
  }

  get bytes(): number {
    return this.byteCount;
  }

  private collected(entry: Entry<T>): void {
    this.handleCount -= 1;
    this.byteCount -= entry.bytes;
    this.options.onCollected!(entry.token);
  }
}
