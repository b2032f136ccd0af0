import type { Backend } from '../backend.js';
import type { Comparison } from './compare.js';
import { compareExact } from './compare.js';

/**
 * Tracks every handle a check creates so that all of them are disposed exactly once (an in-place SGD
 * result may be the very handle that went in), and remembers uploaded inputs to prove that primitives
 * leave them untouched.
 */
export class HandleScope<H = unknown> {
  private readonly owned = new Set<H>();
  private readonly inputs: { handle: H; data: Float32Array; label: string }[] = [];

  constructor(private readonly backend: Backend<H>) {}

  /** Uploads an input the primitives under test must not mutate. */
  upload(data: Float32Array, label: string): H {
    const handle = this.keep(this.backend.upload(data));
    this.inputs.push({ handle, data: Float32Array.from(data), label });
    return handle;
  }

  /** Uploads a value that may legitimately be updated in place (SGD parameters and velocities). */
  uploadMutable(data: Float32Array): H {
    return this.keep(this.backend.upload(data));
  }

  /** Takes ownership of a primitive's result. */
  keep<T extends H | null>(handle: T): T {
    if (handle !== null) this.owned.add(handle);
    return handle;
  }

  read(handle: H): Promise<Float32Array> {
    return this.backend.read(handle);
  }

  /** Reads every immutable input back and compares it bit for bit with what was uploaded. */
  async inputsUnchanged(): Promise<Comparison[]> {
    const out: Comparison[] = [];
    for (const input of this.inputs) {
      out.push(compareExact(`input ${input.label} left unchanged`, await this.backend.read(input.handle), input.data));
    }
    return out;
  }

  /** Disposes every distinct handle once. */
  dispose(): void {
    for (const handle of this.owned) this.backend.dispose(handle);
    this.owned.clear();
    this.inputs.length = 0;
  }
}

/** Runs `body` with a fresh scope and disposes whatever it created, even when it throws. */
export async function withScope<H, T>(backend: Backend<H>, body: (scope: HandleScope<H>) => Promise<T>): Promise<T> {
  const scope = new HandleScope(backend);
  try {
    return await body(scope);
  } finally {
    scope.dispose();
  }
}
