import { BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';
import { GPUJS_MODES, type GpujsModeChoice } from './modes.js';

/** backend-gpujs as the tools see it: gpu.js, Dawn and the optional gl addon load only on `create`. */
export const gpujsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'gpujs',
  description: 'gpu.js (WebGPU through Dawn or the browser, WebGL2/WebGL in a browser, headless-gl, WebAssembly or plain JavaScript kernels)',
  modes: GPUJS_MODES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-gpujs',
  libraries: ['gpu.js', 'webgpu'],
  threaded: false,
  displayModes: ['headlessgl'],
  modeFlag: {
    flag: '--gpujs-mode',
    description: `gpu.js mode: ${GPUJS_MODES.join(', ')} (auto: webgpu on a GPU, in a browser then webgl2/webgl on a GPU, else webasm; webgl2 and webgl run in a browser only)`,
  },
  async create(options = {}) {
    const { createGpujsBackend } = await import('./create.js');
    return createGpujsBackend({ mode: checkMode(options.mode ?? 'auto') });
  },
  async availability(mode = 'auto') {
    const { gpujsModeAvailability } = await import('./create.js');
    return gpujsModeAvailability(checkMode(mode));
  },
};

function checkMode(mode: string): GpujsModeChoice {
  if (!(GPUJS_MODES as readonly string[]).includes(mode)) {
    throw new RangeError(`unknown gpu.js mode "${mode}"; choose one of: ${GPUJS_MODES.join(', ')}`);
  }
  return mode as GpujsModeChoice;
}
