import { BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';
import { TFJS_RUNTIMES, type TfjsRuntimeRequest } from './runtimes.js';

/** backend-tfjs as the tools see it: its runtimes are its modes; TensorFlow.js loads only on `create`. */
export const tfjsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'tfjs',
  description: 'TensorFlow.js (tfjs-node, WebGPU through Dawn, wasm, cpu or, in a page, webgl runtime; auto picks the fastest that loads)',
  modes: TFJS_RUNTIMES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-tfjs',
  libraries: [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-cpu',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-webgpu',
    '@tensorflow/tfjs-backend-webgl',
    'webgpu',
  ],
  threaded: false,
  displayModes: [],
  modeFlag: {
    flag: '--tf-runtime',
    description: `tfjs runtime: ${TFJS_RUNTIMES.join(', ')} (auto: tfjs-node, else webgpu on a GPU, else wasm, else cpu; in a page webgl first)`,
  },
  async create(options = {}) {
    const { createTfjsBackend } = await import('./tfjs-backend.js');
    // A page serves tfjs-backend-wasm's .wasm files in `tfjs-wasm/` below its asset folder.
    const wasmPaths = options.assetBaseUrl === undefined ? undefined : new URL('tfjs-wasm/', options.assetBaseUrl).href;
    return createTfjsBackend({ runtime: checkRuntime(options.mode ?? 'auto'), wasmPaths });
  },
  async availability(mode = 'auto') {
    const { tfjsRuntimeAvailability } = await import('./runtime.js');
    return tfjsRuntimeAvailability(checkRuntime(mode));
  },
};

function checkRuntime(mode: string): TfjsRuntimeRequest {
  if (!(TFJS_RUNTIMES as readonly string[]).includes(mode)) {
    throw new RangeError(`unknown tfjs runtime "${mode}"; choose one of: ${TFJS_RUNTIMES.join(', ')}`);
  }
  return mode as TfjsRuntimeRequest;
}
