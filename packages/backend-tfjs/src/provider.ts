import { availabilityByCreating, BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';
import { TFJS_RUNTIMES, type TfjsRuntimeRequest } from './runtimes.js';

/** backend-tfjs as the tools see it: its runtimes are its modes; TensorFlow.js loads only on `create`. */
export const tfjsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'tfjs',
  description: 'TensorFlow.js (tfjs-node, wasm, cpu or, in a page, webgl runtime; auto picks the first that loads)',
  modes: TFJS_RUNTIMES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-tfjs',
  libraries: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgl'],
  threaded: false,
  displayModes: [],
  modeFlag: { flag: '--tf-runtime', description: 'tfjs runtime: auto (tfjs-node, else wasm, else cpu; a page: webgl, wasm, cpu), node, wasm, cpu, webgl (pages only)' },
  async create(options = {}) {
    const { createTfjsBackend } = await import('./tfjs-backend.js');
    // A page serves tfjs-backend-wasm's .wasm files in `tfjs-wasm/` below its asset folder.
    const wasmPaths = options.assetBaseUrl === undefined ? undefined : new URL('tfjs-wasm/', options.assetBaseUrl).href;
    return createTfjsBackend({ runtime: (options.mode ?? 'auto') as TfjsRuntimeRequest, wasmPaths });
  },
  availability(mode) {
    return availabilityByCreating(tfjsProvider, mode);
  },
};
