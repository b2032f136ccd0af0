import { availabilityByCreating, BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';
import { GPUJS_MODES, type GpujsModeChoice } from './modes.js';

/** backend-gpujs as the tools see it: gpu.js (and its optional gl addon) load only on `create`. */
export const gpujsProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'gpujs',
  description: 'gpu.js kernels (auto tries webgpu, headlessgl, webasm, cpu and says which ran)',
  modes: GPUJS_MODES,
  defaultMode: 'auto',
  packageName: '@lenet-ts/backend-gpujs',
  libraries: ['gpu.js'],
  threaded: false,
  displayModes: ['headlessgl'],
  modeFlag: { flag: '--gpujs-mode', description: `gpu.js mode: ${GPUJS_MODES.join(', ')}` },
  async create(options = {}) {
    const { createGpujsBackend } = await import('./create.js');
    return createGpujsBackend({ mode: (options.mode ?? 'auto') as GpujsModeChoice });
  },
  availability(mode) {
    return availabilityByCreating(gpujsProvider, mode);
  },
};
