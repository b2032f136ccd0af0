export { createTfjsBackend, TfjsBackend, type TfjsBackendOptions } from './tfjs-backend.js';
export { TFJS_RUNTIMES, TfjsRuntimeError, type RuntimeNote, type TfjsRuntime, type TfjsRuntimeRequest } from './runtime.js';
export { tfjsProvider } from './provider.js';
