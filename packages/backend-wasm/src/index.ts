export { createWasmBackend, WasmBackend, type WasmBackendOptions } from './wasm-backend.js';
export { WasmTensor } from './arena.js';
export { WasmUnavailableError, type SimdMode } from './kernels.js';
export { WasmWorkerError } from './thread-team.js';
export { wasmProvider } from './provider.js';
