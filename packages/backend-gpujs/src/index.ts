export {
  createGpujsBackend,
  GPUJS_MODES,
  gpujsModeAvailability,
  GpujsModeUnavailableError,
  type GpujsBackendOptions,
  type GpujsModeChoice,
} from './create.js';
export type { GpujsMode } from './devices/device.js';
export { GpujsFallbackError } from './devices/sync-device.js';
export type { BufferPoolStats } from './devices/webgpu-buffer-pool.js';
export { GpujsBackend, GpujsHandleError, type UnavailableMode } from './gpujs-backend.js';
export { GpujsHandle } from './handle.js';
export { gpujsProvider } from './provider.js';
