import type { MessagePort, Worker } from 'node:worker_threads';
import type { KernelExports } from './kernels.js';
import { ParallelChoice } from './parallel-choice.js';
import { claimChunk, Control } from './task.js';
import { inBrowser, startWebWorkers } from './web-workers.js';

/**
 * Rounds of Atomics.load a waiting thread spins before it sleeps (about a millisecond). Primitives of a
 * step follow each other within microseconds, while an Atomics.wait/notify round trip costs ~50 us: per
 * layer that would cost more than the layer.
 */
const SPIN = 200_000;

/** Thrown when a worker thread fails; the backend cannot continue after it. */
export class WasmWorkerError extends Error {
  override readonly name = 'WasmWorkerError';
}

/** What a worker is started with. */
interface WorkerStart {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: number;
  readonly task: number;
  readonly thread: number;
  readonly spin: number;
  readonly port: MessagePort;
}

/**
 * The worker's whole program. It runs from its source text (`eval`), so it references nothing outside
 * itself: the control-word numbers are those of `Control`, the claim loop is `claimChunk`'s.
 */
function serve(workerThreads: typeof import('node:worker_threads')): void {
  const start = workerThreads.workerData as WorkerStart;
  const instance = new WebAssembly.Instance(start.module, { env: { memory: start.memory } });
  const kernels = instance.exports as unknown as KernelExports;
  kernels.init(start.task);
  const control = new Int32Array(start.memory.buffer, start.control, 16);
  const SEQ = 0,
    CLAIM = 1,
    DONE = 2,
    QUIT = 3,
    FAILED = 4,
    READY = 5,
    WORKER_CHUNKS = 6;
  let seen = Atomics.load(control, SEQ);
  Atomics.add(control, READY, 1);
  for (;;) {
    let seq = Atomics.load(control, SEQ);
    for (let i = 0; seq === seen && i < start.spin; i++) seq = Atomics.load(control, SEQ);
    if (seq === seen) {
      Atomics.wait(control, SEQ, seen);
      continue;
    }
    seen = seq;
    if (Atomics.load(control, QUIT) !== 0) return;
    for (;;) {
      const word = Atomics.load(control, CLAIM);
      if (word >>> 16 !== seq || (word & 0xffff) === 0) break;
      if (Atomics.compareExchange(control, CLAIM, word, word - 1) !== word) continue;
      try {
        kernels.runChunk((word & 0xffff) - 1, start.thread);
      } catch (error) {
        // Reported before the chunk counts as done, so the main thread sees it when its wait ends.
        start.port.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        Atomics.store(control, FAILED, 1);
      }
      Atomics.add(control, WORKER_CHUNKS, 1);
      Atomics.add(control, DONE, 1);
      Atomics.notify(control, DONE);
    }
  }
}

/**
 * The calling thread plus `threads - 1` workers, each with its own instance of the kernel module over the
 * one shared memory. `run` is synchronous: the calling thread claims chunks like the workers do, then spins
 * (and at length sleeps) until the last chunk is done. Which thread runs a chunk never changes its result.
 * Workers are unref'd, so a forgotten backend does not keep the process alive; `close` ends them.
 */
export class ThreadTeam {
  private seq = 0;
  private failure: string | null = null;
  private closed = false;
  /** Per task shape (see `run`): whether the workers pay for it. */
  private readonly choices = new Map<string, ParallelChoice>();

  private constructor(
    readonly threads: number,
    private readonly kernels: KernelExports,
    private readonly control: Int32Array,
    private readonly workers: readonly { readonly worker: Worker; readonly port: MessagePort }[],
    private readonly receive: ((port: MessagePort) => { message: unknown } | undefined) | null,
  ) {}

  /** Starts the workers and resolves once every one of them is serving. */
  static async start(
    threads: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    kernels: KernelExports,
    control: number,
    task: number,
  ): Promise<ThreadTeam> {
    const words = new Int32Array(memory.buffer, control, 16);
    if (threads < 2) return new ThreadTeam(1, kernels, words, [], null);
    if (inBrowser()) return ThreadTeam.startWeb(threads, module, memory, kernels, words, control, task);
    let workerThreads: typeof import('node:worker_threads');
    try {
      workerThreads = await import('node:worker_threads');
    } catch {
      throw new WasmWorkerError(`wasm backend: ${threads} threads need Node's worker_threads, which this engine lacks; pass threads: 1`);
    }
    const { Worker, MessageChannel, receiveMessageOnPort } = workerThreads;
    const source = `(${serve.toString()})(require('node:worker_threads'))`;
    const workers = [];
    for (let thread = 1; thread < threads; thread++) {
      const { port1, port2 } = new MessageChannel();
      const start: WorkerStart = { module, memory, control, task, thread, spin: SPIN, port: port2 };
      const worker = new Worker(source, { eval: true, workerData: start, transferList: [port2], name: `lenet-wasm-${thread}` });
      worker.unref();
      port1.unref();
      workers.push({ worker, port: port1 });
    }
    const team = new ThreadTeam(threads, kernels, words, workers, receiveMessageOnPort);
    for (const { worker } of workers) {
      worker.on('error', (error) => {
        team.failure ??= `a worker thread failed: ${error.stack ?? error.message}`;
      });
    }
    while (Atomics.load(words, Control.ready) < threads - 1) {
      team.assertHealthy();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return team;
  }

  /** In a browser: Web Workers running the same `serve`; failures arrive as messages on their ports. */
  private static async startWeb(
    threads: number,
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    kernels: KernelExports,
    words: Int32Array,
    control: number,
    task: number,
  ): Promise<ThreadTeam> {
    let team: ThreadTeam | null = null;
    let early: string | null = null;
    const starts = Array.from({ length: threads - 1 }, (_, i) => ({ module, memory, control, task, thread: i + 1, spin: SPIN }));
    const workers = startWebWorkers(serve.toString(), starts, (message) => {
      if (team) team.failure ??= `a worker thread failed: ${message}`;
      else early ??= `a worker thread failed: ${message}`;
    });
    team = new ThreadTeam(threads, kernels, words, workers as unknown as readonly { readonly worker: Worker; readonly port: MessagePort }[], null);
    team.failure = early;
    while (Atomics.load(words, Control.ready) < threads - 1) {
      team.assertHealthy();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return team;
  }

  /**
   * Runs chunks [0, chunks) of the task in the task block; `parallel` false keeps it on this thread.
   * `shape` names the task's kind and size (equal for equal work): each shape learns by itself whether
   * the workers make it faster (ParallelChoice).
   */
  run(chunks: number, parallel: boolean, shape: string): void {
    this.assertHealthy();
    const kernels = this.kernels;
    if (!parallel || chunks < 2 || this.threads < 2) {
      for (let chunk = 0; chunk < chunks; chunk++) kernels.runChunk(chunk, 0);
      return;
    }
    let choice = this.choices.get(shape);
    if (choice === undefined) this.choices.set(shape, (choice = new ParallelChoice()));
    const started = performance.now();
    if (!choice.parallel()) {
      for (let chunk = 0; chunk < chunks; chunk++) kernels.runChunk(chunk, 0);
      choice.record(performance.now() - started);
      return;
    }
    const control = this.control;
    const seq = (this.seq = (this.seq + 1) & 0xffff);
    Atomics.store(control, Control.done, 0);
    Atomics.store(control, Control.claim, (seq << 16) | chunks);
    Atomics.store(control, Control.seq, seq);
    Atomics.notify(control, Control.seq);
    let finished = 0;
    let failed: unknown = null;
    for (let chunk = claimChunk(control, seq); chunk >= 0; chunk = claimChunk(control, seq)) {
      try {
        kernels.runChunk(chunk, 0);
      } catch (error) {
        failed ??= error;
      }
      finished = Atomics.add(control, Control.done, 1) + 1;
    }
    // The task block must outlive every chunk a worker is still running, so wait even after a failure.
    for (let i = 0; finished < chunks && i < SPIN; i++) finished = Atomics.load(control, Control.done);
    while (finished < chunks) {
      Atomics.wait(control, Control.done, finished);
      finished = Atomics.load(control, Control.done);
    }
    choice.record(performance.now() - started);
    if (failed !== null) throw failed;
    this.assertHealthy();
  }

  /** How many timings, over all task shapes, chose the calling thread alone (0 where the cores are free). */
  get backoffs(): number {
    let count = 0;
    for (const choice of this.choices.values()) count += choice.backoffs;
    return count;
  }

  /** Chunks the workers (not the calling thread) have run so far. */
  get workerChunks(): number {
    return Atomics.load(this.control, Control.workerChunks);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, Control.quit, 1);
    Atomics.add(this.control, Control.seq, 1);
    Atomics.notify(this.control, Control.seq);
    for (const { worker, port } of this.workers) {
      port.close();
      void worker.terminate();
    }
  }

  private assertHealthy(): void {
    if (Atomics.load(this.control, Control.failed) !== 0 && this.failure === null) {
      for (const { port } of this.workers) {
        const error = (this.receive?.(port)?.message as { error?: string } | undefined)?.error;
        if (error !== undefined) this.failure = `a worker thread failed: ${error}`;
      }
      this.failure ??= 'a worker thread failed';
    }
    if (this.failure !== null) throw new WasmWorkerError(`wasm backend: ${this.failure}; create a new backend (or use threads: 1)`);
  }
}
