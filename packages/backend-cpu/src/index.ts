export { CpuBackend, CpuHandleError, createCpuBackend, type CpuBackendOptions } from './cpu-backend.js';
