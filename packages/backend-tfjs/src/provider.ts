import { BACKEND_PROVIDER_VERSION, type Availability, type BackendProvider } from '@lenet-ts/core';
import { TFJS_RUNTIMES, tfjsRuntimeAvailability, type TfjsRuntimeRequest } from './runtime.js';
import { createTfjsBackend } from './tfjs-backend.js';

/** The TensorFlow.js backend as the CLI, crosscheck and bench list it: `tfjs`, `tfjs:webgpu`, ... */
export const tfjsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'tfjs',
  description: 'TensorFlow.js (tfjs-node, WebGPU through Dawn, wasm or cpu runtime)',
  modes: TFJS_RUNTIMES,
  defaultMode: 'auto',
  create: async (options = {}) => createTfjsBackend({ runtime: checkRuntime(options.mode ?? 'auto') }),
  availability: async (mode = 'auto'): Promise<Availability> => tfjsRuntimeAvailability(checkRuntime(mode)),
};

function checkRuntime(mode: string): TfjsRuntimeRequest {
  if (!(TFJS_RUNTIMES as readonly string[]).includes(mode)) {
    throw new RangeError(`unknown tfjs runtime "${mode}"; choose one of: ${TFJS_RUNTIMES.join(', ')}`);
  }
  return mode as TfjsRuntimeRequest;
}
