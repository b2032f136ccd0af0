import type { MessagePort, Worker } from 'node:worker_threads';
import type { KernelExports } from './kernels.js';
import { claimChunk, Control } from './task.js';
import { inBrowser, startWebWorkers } from './web-workers.js';

/**
 * Rounds of Atomics.load a waiting thread spins before it sleeps (about a millisecond). Primitives of a
 * step follow each other within microseconds, while an Atomics.wait/notify round trip costs ~50 us: per
 * layer that would cost more than the layer.
 */
const SPIN = 200_000;

/** Parallel-eligible tasks timed with the workers, then as many without, before choosing. */
const PROBE_TASKS = 64;
/** Parallel tasks not timed at the start of a probe: the workers may have gone to sleep and must wake first. */
const PROBE_WARMUP = 8;
/** How much faster the parallel runs must be to be chosen. */
const PARALLEL_MARGIN = 0.9;
/** Tasks run in the chosen way before both are timed again. */
const CHOSEN_TASKS = 2048;

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
  /** Where the team is in its cycle: timing parallel runs, timing serial runs, or running the choice. */
  private phase: 'probe-parallel' | 'probe-serial' | 'chosen' = 'probe-parallel';
  private phaseTasks = 0;
  private parallelTime = 0;
  private serialTime = 0;
  private chosenParallel = true;
  private backoffCount = 0;

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

  /** Runs chunks [0, chunks) of the task in the task block; `parallel` false keeps it on this thread. */
  run(chunks: number, parallel: boolean): void {
    this.assertHealthy();
    const kernels = this.kernels;
    if (!parallel || chunks < 2 || this.threads < 2) {
      for (let chunk = 0; chunk < chunks; chunk++) kernels.runChunk(chunk, 0);
      return;
    }
    const started = performance.now();
    if (!this.useWorkers()) {
      for (let chunk = 0; chunk < chunks; chunk++) kernels.runChunk(chunk, 0);
      this.timed(performance.now() - started);
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
    this.timed(performance.now() - started);
    if (failed !== null) throw failed;
    this.assertHealthy();
  }

  /**
   * Whether this parallel-eligible task goes to the workers. Threads pay only where the cores are free: on
   * a machine whose two vCPUs are one physical core, or busy with other work, a worker runs at half speed
   * or is descheduled holding a chunk, and a spinning worker slows the calling thread it shares a core
   * with. So the team times PROBE_TASKS tasks with the workers and as many without, runs the faster way
   * for CHOSEN_TASKS tasks (the workers only when at least 10% faster), and measures again. Which thread runs a chunk never changes a result.
   */
  private useWorkers(): boolean {
    if (this.phase === 'probe-parallel') return true;
    if (this.phase === 'probe-serial') return false;
    return this.chosenParallel;
  }

  private timed(milliseconds: number): void {
    this.phaseTasks++;
    if (this.phase === 'probe-parallel') {
      if (this.phaseTasks > PROBE_WARMUP) this.parallelTime += milliseconds;
      if (this.phaseTasks === PROBE_WARMUP + PROBE_TASKS) this.next('probe-serial');
    } else if (this.phase === 'probe-serial') {
      this.serialTime += milliseconds;
      if (this.phaseTasks === PROBE_TASKS) {
        // Timings are noisy where other work shares the cores: the workers must win clearly.
        this.chosenParallel = this.parallelTime < PARALLEL_MARGIN * this.serialTime;
        if (!this.chosenParallel) this.backoffCount++;
        this.next('chosen');
      }
    } else if (this.phaseTasks === CHOSEN_TASKS) {
      this.next('probe-parallel');
    }
  }

  private next(phase: 'probe-parallel' | 'probe-serial' | 'chosen'): void {
    this.phase = phase;
    this.phaseTasks = 0;
    if (phase === 'probe-parallel') {
      this.parallelTime = 0;
      this.serialTime = 0;
    }
  }

  /** How many times timing chose the calling thread alone over the workers (0 where the cores are free). */
  get backoffs(): number {
    return this.backoffCount;
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
