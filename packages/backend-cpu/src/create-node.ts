import { availableParallelism } from 'node:os';
import { CpuBackend, type CpuBackendOptions } from './cpu-backend.js';
import type { CpuRuntime } from './task-runner.js';
import { ThreadPool } from './thread-pool.js';

/** Node: worker_threads over SharedArrayBuffers, as many threads as the machine offers by default. */
const nodeRuntime: CpuRuntime = {
  defaultThreads: () => availableParallelism(),
  maxThreads: () => ({ threads: Number.MAX_SAFE_INTEGER, reason: '' }),
  where: () => '',
  createRunner: (threads, executor, memory, task) => new ThreadPool(threads, executor, memory, task),
};

export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  return new CpuBackend(options, nodeRuntime);
}
