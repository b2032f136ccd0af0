import { BACKEND_PROVIDER_VERSION, type Availability, type BackendProvider } from '@lenet-ts/core';
import { createGpujsBackend, GPUJS_MODES, gpujsModeAvailability, type GpujsModeChoice } from './create.js';

/** The gpu.js backend as the CLI, crosscheck and bench list it: `gpujs`, `gpujs:webgpu`, ... */
export const gpujsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'gpujs',
  description: 'gpu.js (WebGPU through Dawn, headless-gl, WebAssembly or plain JavaScript kernels)',
  modes: GPUJS_MODES,
  defaultMode: 'auto',
  create: async (options = {}) => createGpujsBackend({ mode: checkMode(options.mode ?? 'auto') }),
  availability: async (mode = 'auto'): Promise<Availability> => gpujsModeAvailability(checkMode(mode)),
};

function checkMode(mode: string): GpujsModeChoice {
  if (!(GPUJS_MODES as readonly string[]).includes(mode)) {
    throw new RangeError(`unknown gpu.js mode "${mode}"; choose one of: ${GPUJS_MODES.join(', ')}`);
  }
  return mode as GpujsModeChoice;
}
