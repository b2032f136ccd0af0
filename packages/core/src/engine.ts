import { assertBackendVersion, type Backend, type BackendMemory } from './backend.js';
import { Tensor } from './tensor.js';

export interface EngineMemory extends BackendMemory {
  /** Live core tensors (views included). */
  readonly tensors: number;
}

/**
 * Owns the backend and the lifetime of tensors: every tensor created inside `scope()` is disposed when
 * the scope ends unless it is returned or `keep()`-ed, so a training step cannot leak on any backend.
 */
export class Engine {
  private readonly live = new Set<Tensor>();
  private readonly scopes: Set<Tensor>[] = [];

  constructor(readonly backend: Backend) {
    assertBackendVersion(backend);
  }

  /** Wraps a fresh handle the backend just returned. */
  tensor(handle: unknown, shape: readonly number[]): Tensor {
    const t = Tensor.wrap(this, handle, shape);
    this.track(t);
    return t;
  }

  upload(data: Float32Array, shape: readonly number[]): Tensor {
    return this.tensor(this.backend.upload(data), shape);
  }

  /**
   * Runs `fn`; disposes the tensors it created, except those reachable from its result (tensors inside
   * arrays and plain objects) and those kept.
   */
  scope<T>(fn: () => T): T {
    const created = new Set<Tensor>();
    this.scopes.push(created);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      // A primitive that throws mid-step must not leak what the step had already made.
      this.scopes.pop();
      for (const t of created) t.dispose();
      throw error;
    }
    this.scopes.pop();
    const survivors = new Set<Tensor>(tensorsIn(result));
    const outer = this.scopes[this.scopes.length - 1];
    for (const t of created) {
      if (survivors.has(t)) outer?.add(t);
      else t.dispose();
    }
    return result;
  }

  /** Exempts a tensor from the enclosing scopes (model weights, optimizer state). */
  keep<T extends Tensor>(t: T): T {
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  memory(): EngineMemory {
    return { tensors: this.live.size, ...this.backend.memory() };
  }

  /** @internal */
  track(t: Tensor): void {
    this.live.add(t);
    this.scopes[this.scopes.length - 1]?.add(t);
  }

  /** @internal */
  untrack(t: Tensor): void {
    this.live.delete(t);
    for (const s of this.scopes) s.delete(t);
  }
}

/** Tensors reachable from a scope's result through arrays and plain objects. */
function tensorsIn(value: unknown, found: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) found.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, found);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) tensorsIn(v, found);
  }
  return found;
}
