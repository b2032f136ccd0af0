import { browserThreads } from './browser-threads.js';
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
import { SingleThreadRunner, type CpuRuntime } from './task-runner.js';
import { WebThreadPool } from './web-thread-pool.js';

/**
 * A page or a Worker: Web Workers over SharedArrayBuffers where the context is cross-origin isolated and
 * may block in Atomics.wait (a dedicated Worker: run training there, which also keeps the page responsive),
 * one thread on the calling thread otherwise. The description says which, and why one.
 */
const browserRuntime: CpuRuntime = {
  defaultThreads: () => browserThreads().threads,
  maxThreads: () => {
    const { oneThreadReason } = browserThreads();
    return oneThreadReason === null
      ? { threads: Number.MAX_SAFE_INTEGER, reason: '' }
      : { threads: 1, reason: `in a browser one thread runs here (${oneThreadReason})` };
  },
  where: (threads) => (threads > 1 ? ', Web Workers' : `: ${browserThreads().oneThreadReason ?? 'as asked'}`),
  createRunner: (threads, executor, memory, task) => (threads > 1 ? new WebThreadPool(threads, executor, memory, task) : new SingleThreadRunner(executor)),
};

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options, browserRuntime);
}
