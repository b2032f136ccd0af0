export { createGpujsBackend, GpujsModeUnavailableError, type GpujsBackendOptions } from './create.js';
export { GPUJS_MODES, type GpujsModeChoice } from './modes.js';
export { gpujsProvider } from './provider.js';
export type { GpujsMode } from './devices/device.js';
export { GpujsFallbackError } from './devices/sync-device.js';
export { GpujsBackend, GpujsHandleError, type UnavailableMode } from './gpujs-backend.js';
export { GpujsHandle } from './handle.js';
