export {
  createGpujsBackend,
  GPUJS_MODES,
  GpujsModeUnavailableError,
  type GpujsBackendOptions,
  type GpujsModeChoice,
} from './create.js';
export type { GpujsMode } from './devices/device.js';
export { GpujsFallbackError } from './devices/sync-device.js';
export { GpujsBackend, GpujsHandleError, type UnavailableMode } from './gpujs-backend.js';
export { GpujsHandle } from './handle.js';
