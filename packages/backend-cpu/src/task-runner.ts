import type { ChunkPlan } from './chunk-scheduler.js';
import type { Executor } from './executor.js';
import type { SharedMemory } from './shared-memory.js';

/** Runs a task's chunks: on the calling thread alone, or shared with worker threads (thread-pool.ts). */
export interface TaskRunner {
  run(plan: ChunkPlan): void;
  startWorkers(): Promise<void>;
  readonly workerChunks: number;
  announce(id: number, buffer: SharedArrayBuffer): void;
  close(): void;
}

/** What the cpu backend needs from the JavaScript runtime it runs in (Node or a page). */
export interface CpuRuntime {
  defaultThreads(): number;
  /** The most threads this runtime can run, and why not more. */
  maxThreads(): { readonly threads: number; readonly reason: string };
  /** Appended to the description, e.g. `, one thread: the page is not cross-origin isolated`. */
  where(threads: number): string;
  createRunner(threads: number, executor: Executor, memory: SharedMemory, task: SharedArrayBuffer): TaskRunner;
}

/** Every chunk on the calling thread, in order: no workers, no Atomics.wait (which a page's main thread forbids). */
export class SingleThreadRunner implements TaskRunner {
  constructor(private readonly executor: Executor) {}

  run(plan: ChunkPlan): void {
    for (let chunk = 0; chunk < plan.chunks; chunk++) this.executor.run(chunk);
  }

  async startWorkers(): Promise<void> {}

  get workerChunks(): number {
    return 0;
  }

  announce(): void {}

  close(): void {}
}

/**
 * Memory handles live in: a SharedArrayBuffer where the runtime has one (Node; a cross-origin isolated page),
 * else a plain ArrayBuffer, which the single thread uses the same way (Atomics work on both).
 */
export function shareableBuffer(bytes: number): SharedArrayBuffer {
  return (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as SharedArrayBuffer;
}
