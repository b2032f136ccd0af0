import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import type { Executor } from './executor.js';
import type { TaskRunner } from './task-runner.js';
import type { SharedMemory } from './shared-memory.js';
import { Control, CONTROL_INTS } from './chunk-claims.js';
import { runSharedTask } from './shared-run.js';
import type { ChunkPlan } from './chunk-scheduler.js';
import type { BufferMessage, WorkerStart } from './worker.js';
import { startWorker } from './worker-start.js';

/**
 * Atomics.load rounds a thread spins before it sleeps: LeNet's primitives follow each other within tens
 * of microseconds, and waking a sleeping thread costs about as much.
 */
const SPIN = 20_000;

/** Thrown when a worker thread fails; the backend cannot continue after it. */
export class CpuWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CpuWorkerError';
  }
}

interface Helper {
  readonly worker: Worker;
  readonly port: MessagePort;
}

/**
 * The calling thread plus `threads - 1` workers sharing tasks chunk by chunk. `run` is synchronous: the
 * calling thread claims chunks like the workers do, then blocks (Atomics.wait) until the last chunk is
 * done. Chunks are claimed dynamically, so a thread the OS delays just claims fewer; which thread runs a
 * chunk never changes its result. Workers start on the first parallel task, are unref'd (a forgotten
 * backend does not keep the process alive) and end with `close`.
 */
export class ThreadPool implements TaskRunner {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  private helpers: Helper[] = [];
  private seq = 0;
  private failure: string | null = null;

  constructor(
    readonly threads: number,
    private readonly executor: Executor,
    private readonly memory: SharedMemory,
    private readonly task: SharedArrayBuffer,
  ) {}

  /** Runs every chunk of the task in the task block; a plan that is not `parallel` stays on this thread. */
  run(plan: ChunkPlan): void {
    this.assertHealthy();
    const chunks = plan.chunks;
    if (!plan.parallel || chunks < 2 || this.threads < 2) {
      for (let chunk = 0; chunk < chunks; chunk++) this.executor.run(chunk);
      return;
    }
    if (this.helpers.length === 0) this.start();
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    runSharedTask(this.control, seq, chunks, (chunk) => this.executor.run(chunk), SPIN);
    this.assertHealthy();
  }

  /** Starts the workers now rather than on the first parallel task; resolves once all of them serve. */
  async startWorkers(): Promise<void> {
    if (this.threads < 2) return;
    if (this.helpers.length === 0) this.start();
    while (Atomics.load(this.control, Control.ready) < this.threads - 1) {
      this.assertHealthy();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Chunks the workers (not the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.control, Control.workerChunks);
  }

  /** Tells the workers about a new buffer (each learns it before any task names it). */
  announce(id: number, buffer: SharedArrayBuffer): void {
    const message: BufferMessage = { id, buffer };
    for (const helper of this.helpers) helper.port.postMessage(message);
  }

  close(): void {
    Atomics.store(this.control, Control.quit, 1);
    Atomics.add(this.control, Control.seq, 1);
    Atomics.notify(this.control, Control.seq);
    for (const helper of this.helpers) {
      helper.port.close();
      void helper.worker.terminate();
    }
    this.helpers = [];
  }

  private start(): void {
    for (let i = 1; i < this.threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const start: WorkerStart = { control: this.control.buffer, task: this.task, buffers: port2, spin: SPIN };
      const worker = startWorker({ workerData: start, transferList: [port2], name: `lenet-cpu-${i}` });
      worker.unref();
      port1.unref();
      worker.on('error', (error) => {
        this.failure ??= `a worker thread failed: ${error.stack ?? error.message}`;
      });
      this.helpers.push({ worker, port: port1 });
      this.memory.all().forEach((buffer, id) => port1.postMessage({ id, buffer } satisfies BufferMessage));
    }
  }

  private assertHealthy(): void {
    if (Atomics.load(this.control, Control.failed) !== 0 && this.failure === null) {
      for (const helper of this.helpers) {
        const received = receiveMessageOnPort(helper.port);
        const error = (received?.message as { error?: string } | undefined)?.error;
        if (error !== undefined) this.failure = `a worker thread failed: ${error}`;
      }
      this.failure ??= 'a worker thread failed';
    }
    if (this.failure !== null) throw new CpuWorkerError(`cpu backend: ${this.failure}; create a new backend (or use threads: 1)`);
  }
}
