import { Control, CONTROL_INTS } from './chunk-claims.js';
import type { ChunkPlan } from './chunk-scheduler.js';
import type { Executor } from './executor.js';
import { runSharedTask } from './shared-run.js';
import type { SharedMemory } from './shared-memory.js';
import type { TaskRunner } from './task-runner.js';
import type { WebBufferMessage, WebWorkerStart } from './web-worker.js';
import { WEB_WORKER_SOURCE } from './web-worker-source.js';

/** Atomics.load rounds a thread spins before it sleeps (as thread-pool.ts). */
const SPIN = 20_000;
/** How long a task worth sharing waits for workers to acknowledge new buffers before it runs alone. */
const ACK_WAIT_MS = 0.5;
/** How long `startWorkers` waits for every Web Worker to serve before it gives up. */
const START_TIMEOUT_MS = 30_000;

/** Thrown when a Web Worker fails; the backend cannot continue after it. */
export class CpuWebWorkerError extends Error {
  override readonly name = 'CpuWebWorkerError';
}

/** The browser globals used here (the package compiles without the DOM library). */
interface WebWorker {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onerror: ((event: { readonly message: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

interface WebGlobals {
  readonly URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  readonly Blob: new (parts: string[], options: { type: string }) => unknown;
  readonly Worker: new (url: string, options: { name: string }) => WebWorker;
}

/**
 * The calling thread (a dedicated Worker, which may Atomics.wait) plus `threads - 1` Web Workers, sharing
 * tasks chunk by chunk exactly as thread-pool.ts does with Node's workers, so results are the same bits.
 * A Web Worker learns a new buffer only while idle (web-worker.ts), so a task runs on the calling thread
 * alone until every worker has acknowledged every buffer made so far; once training's buffers are
 * recycled (after the first steps) nothing new is made and the workers share every task worth sharing.
 */
export class WebThreadPool implements TaskRunner {
  private readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_INTS * 4));
  private readonly known: Int32Array;
  private workers: WebWorker[] = [];
  private seq = 0;
  private failure: string | null = null;

  constructor(
    readonly threads: number,
    private readonly executor: Executor,
    private readonly memory: SharedMemory,
    private readonly task: SharedArrayBuffer,
  ) {
    this.known = new Int32Array(new SharedArrayBuffer(Math.max(threads - 1, 1) * 4));
  }

  /** Runs every chunk of the task in the task block; a plan that is not `parallel` stays on this thread. */
  run(plan: ChunkPlan): void {
    this.assertHealthy();
    const chunks = plan.chunks;
    if (!plan.parallel || chunks < 2 || this.threads < 2 || !this.workersKnowEveryBuffer()) {
      for (let chunk = 0; chunk < chunks; chunk++) this.executor.run(chunk);
      return;
    }
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    runSharedTask(this.control, seq, chunks, (chunk) => this.executor.run(chunk), SPIN);
    this.assertHealthy();
  }

  /** Starts the Web Workers now; resolves once all of them serve. */
  async startWorkers(): Promise<void> {
    if (this.threads < 2) return;
    this.start();
    const deadline = performance.now() + START_TIMEOUT_MS;
    while (Atomics.load(this.control, Control.ready) < this.threads - 1) {
      this.assertHealthy();
      if (performance.now() > deadline) this.failure ??= `${this.threads - 1} Web Workers did not start within ${START_TIMEOUT_MS / 1000} s`;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Chunks the Web Workers (not the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.control, Control.workerChunks);
  }

  /** Posts a new buffer to every worker; each acknowledges it in `known` once it has it. */
  announce(id: number, buffer: SharedArrayBuffer): void {
    const message: WebBufferMessage = { id, buffer };
    for (const worker of this.workers) worker.postMessage(message);
  }

  close(): void {
    Atomics.store(this.control, Control.quit, 1);
    Atomics.add(this.control, Control.seq, 1);
    Atomics.notify(this.control, Control.seq);
    for (const worker of this.workers) worker.terminate();
    this.workers = [];
  }

  /**
   * Whether every worker has started and received every buffer made so far (so any task may name any). A
   * worker that lags is usually still spinning after its last task and acknowledges within its spin plus a
   * message's latency, so a task worth sharing waits up to ACK_WAIT_MS for that rather than run alone.
   */
  private workersKnowEveryBuffer(): boolean {
    if (this.workers.length === 0) this.start();
    if (Atomics.load(this.control, Control.ready) !== this.threads - 1) return false;
    const made = this.memory.all().length;
    let deadline = 0;
    for (let slot = 0; slot < this.threads - 1; slot++) {
      while (Atomics.load(this.known, slot) < made) {
        const now = performance.now();
        if (deadline === 0) deadline = now + ACK_WAIT_MS;
        else if (now > deadline) return false;
      }
    }
    return true;
  }

  private start(): void {
    if (this.workers.length > 0 || WEB_WORKER_SOURCE === null) return;
    const web = globalThis as unknown as WebGlobals;
    const url = web.URL.createObjectURL(new web.Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
    try {
      for (let slot = 0; slot < this.threads - 1; slot++) {
        const worker = new web.Worker(url, { name: `lenet-cpu-${slot + 1}` });
        worker.onmessage = (event) => {
          this.failure ??= `a Web Worker failed: ${(event.data as { error?: string } | null)?.error ?? 'no message'}`;
        };
        worker.onerror = (event) => {
          this.failure ??= `a Web Worker failed: ${event.message || 'it did not start'}`;
        };
        const start: WebWorkerStart = {
          control: this.control.buffer,
          task: this.task,
          known: this.known.buffer as SharedArrayBuffer,
          slot,
          spin: SPIN,
          buffers: this.memory.all(),
        };
        worker.postMessage(start);
        this.workers.push(worker);
      }
    } finally {
      // Each Worker fetches its script once started; the URL is freed well after.
      setTimeout(() => web.URL.revokeObjectURL(url), 60_000);
    }
  }

  private assertHealthy(): void {
    if (Atomics.load(this.control, Control.failed) !== 0) this.failure ??= 'a Web Worker failed';
    if (this.failure !== null) throw new CpuWebWorkerError(`cpu backend: ${this.failure}; create a new backend (or use threads: 1)`);
  }
}
