// The package's `browser` entry: the same backend on Web Workers (or one thread), with no worker_threads or os.
export { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
export { createCpuBackend } from './create-browser.js';
export { cpuProvider } from './provider-browser.js';
export { CpuWebWorkerError } from './web-thread-pool.js';
