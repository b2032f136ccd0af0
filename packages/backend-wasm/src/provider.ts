import { BACKEND_PROVIDER_VERSION, BackendUnavailableError, type Availability, type BackendProvider } from '@lenet-ts/core';
import { SIMD_MODES, type SimdMode } from './simd-modes.js';

/**
 * The wasm backend for tools that list backends. Modes are the instruction sets: `wasm:relaxed` fails
 * loudly where relaxed SIMD does not validate (for measuring FMA against plain), `wasm:plain` gives the
 * results every SIMD128 engine reproduces bit for bit, `auto` (the default) takes the faster one that runs.
 */
export const wasmProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'wasm',
  description: 'WebAssembly SIMD kernels on worker threads (relaxed-SIMD FMA where the engine has it)',
  modes: SIMD_MODES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-wasm',
  libraries: [],
  threaded: true,
  displayModes: [],
  async create(options = {}) {
    const mode = modeOf(options.mode);
    const [{ createWasmBackend }, { WasmUnavailableError }] = await Promise.all([import('./wasm-backend.js'), import('./kernels.js')]);
    try {
      return await createWasmBackend({ simd: mode, threads: options.threads });
    } catch (error) {
      if (error instanceof WasmUnavailableError) throw new BackendUnavailableError(mode === 'auto' ? 'wasm' : `wasm:${mode}`, error.message);
      throw error;
    }
  },
  async availability(mode?: string): Promise<Availability> {
    const { simdModeAvailability } = await import('./kernels.js');
    return simdModeAvailability(modeOf(mode));
  },
};

function modeOf(mode: string | undefined): SimdMode {
  const chosen = mode ?? 'auto';
  if (!(SIMD_MODES as readonly string[]).includes(chosen)) throw new RangeError(`unknown wasm mode "${chosen}"; choose one of: ${SIMD_MODES.join(', ')}`);
  return chosen as SimdMode;
}
