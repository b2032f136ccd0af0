import { PLAIN_KERNELS, RELAXED_KERNELS } from './generated/kernels.js';

import { SIMD_MODES, type SimdMode } from './simd-modes.js';

export { SIMD_MODES, type SimdMode };

/** What the kernel module exports (assembly/index.ts). */
export interface KernelExports {
  init(taskBlock: number): void;
  heapBase(): number;
  runChunk(chunk: number, thread: number): void;
  transposeTaps(w: number, out: number, taps: number, channels: number, filters: number): void;
  packFilterRows(w: number, out: number, geometry: number): void;
  sumPartials(partials: number, count: number, size: number, out: number): void;
  lossRows(
    input: number,
    labels: number,
    gradient: number,
    lossOut: number,
    correctOut: number,
    batch: number,
    classes: number,
    kind: number,
    epsilon: number,
  ): void;
  softmaxRows(x: number, y: number, rows: number, cols: number): void;
}

export interface CompiledKernels {
  readonly module: WebAssembly.Module;
  readonly relaxed: boolean;
}

/** Thrown when this engine cannot run the kernels in the mode asked for; names what to do instead. */
export class WasmUnavailableError extends Error {
  override readonly name = 'WasmUnavailableError';
}

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let relaxedBytes: Uint8Array | null = null;
let plainBytes: Uint8Array | null = null;

/**
 * Whether relaxed SIMD validates here. Node 20's V8 has it behind --experimental-wasm-relaxed-simd, which
 * NODE_OPTIONS refuses; setting it at run time before compiling works (newer engines validate it as is).
 */
async function relaxedValidates(bytes: Uint8Array): Promise<boolean> {
  if (WebAssembly.validate(bytes)) return true;
  try {
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes);
}

/** Whether the plain SIMD128 + threads module validates and shared memory exists (the minimum). */
export function plainSimdAvailable(): { readonly available: true } | { readonly available: false; readonly reason: string } {
  if (typeof WebAssembly !== 'object') return { available: false, reason: 'no WebAssembly in this JavaScript engine; use the cpu backend' };
  if (typeof SharedArrayBuffer !== 'function') {
    return { available: false, reason: 'no SharedArrayBuffer (a browser page must be cross-origin isolated); use the cpu backend' };
  }
  plainBytes ??= decode(PLAIN_KERNELS);
  if (!WebAssembly.validate(plainBytes)) {
    return { available: false, reason: 'this engine does not validate WebAssembly SIMD128 with threads (Node 20+, Chrome 91+); use the cpu backend' };
  }
  return { available: true };
}

/** Compiles the kernels for `mode`; `auto` picks relaxed SIMD when it validates, plain SIMD otherwise. */
export async function compileKernels(mode: SimdMode): Promise<CompiledKernels> {
  const plain = plainSimdAvailable();
  if (!plain.available) throw new WasmUnavailableError(plain.reason);
  if (mode !== 'plain') {
    relaxedBytes ??= decode(RELAXED_KERNELS);
    if (await relaxedValidates(relaxedBytes)) return { module: await WebAssembly.compile(relaxedBytes), relaxed: true };
    if (mode === 'relaxed') {
      throw new WasmUnavailableError('this engine does not validate relaxed SIMD (f32x4.relaxed_madd; Node 20+, Chrome 114+); use simd plain or auto');
    }
  }
  return { module: await WebAssembly.compile(plainBytes!), relaxed: false };
}

/** Whether `mode` can run here, compiling nothing. */
export async function simdModeAvailability(mode: SimdMode): Promise<{ readonly available: true } | { readonly available: false; readonly reason: string }> {
  const plain = plainSimdAvailable();
  if (!plain.available || mode !== 'relaxed') return plain;
  relaxedBytes ??= decode(RELAXED_KERNELS);
  if (await relaxedValidates(relaxedBytes)) return { available: true };
  return { available: false, reason: 'this engine does not validate relaxed SIMD (f32x4.relaxed_madd; Node 20+, Chrome 114+); use wasm:plain or wasm:auto' };
}
