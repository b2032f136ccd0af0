export { createGpujsBackend, gpujsModeAvailability, GpujsModeUnavailableError, type GpujsBackendOptions } from './create.js';
export { GPUJS_MODES, type GpujsModeChoice } from './modes.js';
export type { GpujsMode } from './devices/device.js';
export { GpujsFallbackError } from './devices/sync-device.js';
export type { BufferPoolStats } from './devices/webgpu-buffer-pool.js';
export { GpujsBackend, type UnavailableMode } from './gpujs-backend.js';
export { GpujsHandle } from './handle.js';
export { gpujsProvider } from './provider.js';
