import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
import { SingleThreadRunner, type CpuRuntime } from './task-runner.js';

/**
 * A page or a Worker: one thread, on whichever thread creates the backend (run training in a dedicated
 * Worker so the page stays responsive). Web Workers sharing the chunks are not built yet; they would need a
 * cross-origin isolated page for SharedArrayBuffer, which the description reports either way.
 */
const browserRuntime: CpuRuntime = {
  defaultThreads: () => 1,
  maxThreads: () => ({ threads: 1, reason: 'in a browser the cpu backend runs on one thread (Web Worker threads are not built yet)' }),
  where: () => `, in the browser: ${isolated() ? 'cross-origin isolated, ' : 'not cross-origin isolated, '}no worker threads`,
  createRunner: (_threads, executor) => new SingleThreadRunner(executor),
};

function isolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options, browserRuntime);
}
