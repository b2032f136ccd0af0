import type { Engine } from './engine.js';
import { sizeOf } from './geometry.js';

/** Backend data shared by a tensor and its reshaped views; freed when the last view is disposed. */
interface DataRef {
  handle: unknown;
  views: number;
}

/** A backend handle with a shape. Flatten and other reshapes share the handle instead of copying it. */
export class Tensor {
  readonly size: number;
  private disposed = false;

  /** @internal Use `engine.tensor()` / `engine.upload()`. */
  constructor(
    readonly engine: Engine,
    private readonly ref: DataRef,
    readonly shape: readonly number[],
  ) {
    this.size = sizeOf(shape);
  }

  /** @internal */
  static wrap(engine: Engine, handle: unknown, shape: readonly number[]): Tensor {
    return new Tensor(engine, { handle, views: 1 }, shape);
  }

  get handle(): unknown {
    if (this.disposed) throw new Error(`tensor [${this.shape.join(',')}] was used after dispose`);
    return this.ref.handle;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** A view with another shape over the same data (no copy). */
  reshape(shape: readonly number[]): Tensor {
    if (sizeOf(shape) !== this.size) {
      throw new Error(`cannot reshape [${this.shape.join(',')}] to [${shape.join(',')}]`);
    }
    this.ref.views++;
    const view = new Tensor(this.engine, this.ref, shape);
    this.engine.track(view);
    return view;
  }

  /** Reads the values back from the backend (the only async crossing). */
  data(): Promise<Float32Array> {
    return this.engine.backend.read(this.handle);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (--this.ref.views === 0) this.engine.backend.dispose(this.ref.handle);
    this.engine.untrack(this);
  }

  /** @internal Swaps in new data (an optimizer that returned a new handle); frees the old data. */
  replaceHandle(handle: unknown): void {
    if (handle === this.ref.handle) return;
    if (this.ref.views !== 1) throw new Error('cannot replace the data of a tensor that has views');
    this.engine.backend.dispose(this.ref.handle);
    this.ref.handle = handle;
  }
}
