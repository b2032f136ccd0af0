import { availabilityByCreating, BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';
import { TFJS_RUNTIMES, type TfjsRuntimeRequest } from './runtimes.js';

/** backend-tfjs as the tools see it: its runtimes are its modes; TensorFlow.js loads only on `create`. */
export const tfjsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'tfjs',
  description: 'TensorFlow.js (tfjs-node, wasm or cpu runtime; auto picks the first that loads)',
  modes: TFJS_RUNTIMES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-tfjs',
  libraries: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'],
  threaded: false,
  displayModes: [],
  modeFlag: { flag: '--tf-runtime', description: 'tfjs runtime: auto (tfjs-node, else wasm, else cpu), node, wasm, cpu' },
  async create(options = {}) {
    const { createTfjsBackend } = await import('./tfjs-backend.js');
    return createTfjsBackend({ runtime: (options.mode ?? 'auto') as TfjsRuntimeRequest });
  },
  availability(mode) {
    return availabilityByCreating(tfjsProvider, mode);
  },
};
