import { runBackendConformance } from '@lenet-ts/core/testing';
import { createWasmBackend } from './index.js';

runBackendConformance('wasm', () => createWasmBackend({ threads: 2 }), { label: 'auto SIMD, 2 threads' });
runBackendConformance('wasm', () => createWasmBackend({ threads: 1, simd: 'plain' }), { label: 'plain SIMD, 1 thread' });
