export { createTfjsBackend, TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { tfjsProvider } from './provider.js';
export { TFJS_RUNTIMES, tfjsRuntimeAvailability, TfjsRuntimeError, type RuntimeNote, type TfjsRuntime, type TfjsRuntimeRequest } from './runtime.js';
