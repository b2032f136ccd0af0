import { adamStepSize } from '../adam.js';
import type { AdaptiveInfo, AdaptiveKind, Backend } from '../backend.js';
import { SeededRandom } from './prng.js';
import { createReferenceBackend } from './reference-backend.js';

/** Where a run of adaptive updates first differs from the reference backend's; -1 where it does not. */
export interface AdaptiveComparison {
  /** Whether every call returned the very handles it was given (updated them in place, as cpu and wasm do). */
  readonly inPlace: boolean;
  readonly param: number;
  /** -1 for RMSprop, which keeps no first moment. */
  readonly m: number;
  readonly v: number;
}

/** The first element whose bit pattern differs (-0 against 0 and NaN payloads count), -1 if none; 0 on a length mismatch. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.findIndex((bits, i) => bits !== y[i]);
}

/** Keras's defaults for `kind` at (1-based) step `step`, over `size` elements. */
function adaptiveInfo(kind: AdaptiveKind, size: number, step: number): AdaptiveInfo {
  return kind === 'adam'
    ? { kind, size, learningRate: adamStepSize(0.001, 0.9, 0.999, step), beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    : { kind, size, learningRate: 0.001, beta1: 0, beta2: 0.9, epsilon: 1e-7 };
}

/**
 * Runs `steps` Adam or RMSprop updates of one random tensor of `size` elements on `backend` and on the
 * reference backend's float32 loop, from the same start with the same gradients, and says where the
 * parameters and moments first differ bit for bit. A backend that computes in float32 in the reference's
 * order (cpu, wasm) is bit-identical; a multi-threaded one should stay so for any thread count.
 */
export async function adaptiveAgainstReference<H>(
  backend: Backend<H>,
  kind: AdaptiveKind,
  { size = 1 << 17, steps = 3, seed = 3 }: { readonly size?: number; readonly steps?: number; readonly seed?: number } = {},
): Promise<AdaptiveComparison> {
  const random = new SeededRandom(seed);
  const start = random.floats(size, -0.2, 0.2);
  const grads = Array.from({ length: steps }, () => random.floats(size, -0.05, 0.05));
  const reference = createReferenceBackend();
  let expected = {
    param: reference.upload(start),
    m: kind === 'adam' ? reference.upload(new Float32Array(size)) : null,
    v: reference.upload(new Float32Array(size)),
  };
  for (const [i, g] of grads.entries())
    expected = reference.adaptiveUpdate(expected.param, reference.upload(g), expected.m, expected.v, adaptiveInfo(kind, size, i + 1));

  let state: { param: H; m: H | null; v: H } = {
    param: backend.upload(start),
    m: kind === 'adam' ? backend.upload(new Float32Array(size)) : null,
    v: backend.upload(new Float32Array(size)),
  };
  let inPlace = true;
  for (const [i, g] of grads.entries()) {
    const grad = backend.upload(g);
    const next = backend.adaptiveUpdate(state.param, grad, state.m, state.v, adaptiveInfo(kind, size, i + 1));
    inPlace &&= next.param === state.param && next.m === state.m && next.v === state.v;
    // A backend may return new handles (the Backend contract): the old ones are then the caller's to free.
    for (const [old, now] of [
      [state.param, next.param],
      [state.m, next.m],
      [state.v, next.v],
    ] as const) {
      if (old !== null && old !== now) backend.dispose(old);
    }
    backend.dispose(grad);
    state = { param: next.param, m: next.m, v: next.v };
  }
  const comparison: AdaptiveComparison = {
    inPlace,
    param: firstBitDifference(await backend.read(state.param), await reference.read(expected.param)),
    m: state.m === null ? -1 : firstBitDifference(await backend.read(state.m), await reference.read(expected.m!)),
    v: firstBitDifference(await backend.read(state.v), await reference.read(expected.v)),
  };
  for (const handle of [state.param, state.m, state.v]) if (handle !== null) backend.dispose(handle);
  return comparison;
}
