export { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { createCpuBackend } from './create-node.js';
export { CpuWorkerError } from './thread-pool.js';
export { cpuProvider } from './provider.js';
