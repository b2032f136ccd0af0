export { CpuBackend, createCpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { CpuWorkerError } from './thread-pool.js';
export { cpuProvider } from './provider.js';
