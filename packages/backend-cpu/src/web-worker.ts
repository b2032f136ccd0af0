import { claimChunk, Control } from './chunk-claims.js';
import { Executor } from './executor.js';
import { TaskBlock, type BufferTable } from './task.js';

/**
 * A Web Worker of the cpu backend (web-thread-pool.ts starts it). Unlike a Node worker it cannot read its
 * message queue synchronously, so it learns new buffers only between tasks, when it idles in
 * `Atomics.waitAsync` and its event loop delivers them; it acknowledges each in `known`, and the calling
 * thread publishes a task only once every worker knows every buffer.
 */

/** The first message: everything but the buffers made later, which follow one BufferMessage each. */
export interface WebWorkerStart {
  readonly control: SharedArrayBuffer;
  readonly task: SharedArrayBuffer;
  /** Int32 per worker: how many buffers (ids 0..n-1) it has received. */
  readonly known: SharedArrayBuffer;
  /** This worker's slot in `known`. */
  readonly slot: number;
  readonly spin: number;
  /** The buffers made before the worker started, by id. */
  readonly buffers: readonly SharedArrayBuffer[];
}

export interface WebBufferMessage {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
}

interface WorkerScope {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  postMessage(message: unknown): void;
}

/** Buffers by id, as received; ids arrive in order, so `known` is a count. */
class ReceivedBuffers implements BufferTable {
  private readonly buffers: SharedArrayBuffer[] = [];
  private readonly float32Views: (Float32Array | undefined)[] = [];
  private readonly float64Views: (Float64Array | undefined)[] = [];

  constructor(
    private readonly known: Int32Array,
    private readonly slot: number,
  ) {}

  add(id: number, buffer: SharedArrayBuffer): void {
    this.buffers[id] = buffer;
    Atomics.store(this.known, this.slot, this.buffers.length);
  }

  float32(id: number): Float32Array {
    return (this.float32Views[id] ??= new Float32Array(this.buffer(id)));
  }

  float64(id: number): Float64Array {
    return (this.float64Views[id] ??= new Float64Array(this.buffer(id)));
  }

  private buffer(id: number): SharedArrayBuffer {
    const buffer = this.buffers[id];
    // The calling thread waits for every acknowledgement before it publishes a task, so this is a bug.
    if (buffer === undefined) throw new Error(`cpu backend: a Web Worker was given a task naming buffer ${id} before receiving it`);
    return buffer;
  }
}

/** Sleeps (letting buffer messages in) until a task is published, runs chunks of it, repeats until told to quit. */
async function serve(scope: WorkerScope, start: WebWorkerStart, buffers: ReceivedBuffers): Promise<void> {
  const control = new Int32Array(start.control);
  const executor = new Executor(new TaskBlock(start.task), buffers);
  let seen = Atomics.load(control, Control.seq);
  Atomics.add(control, Control.ready, 1);
  for (;;) {
    let seq = Atomics.load(control, Control.seq);
    for (let i = 0; seq === seen && i < start.spin; i++) seq = Atomics.load(control, Control.seq);
    if (seq === seen) {
      await idle(control, seen);
      continue;
    }
    seen = seq;
    if (Atomics.load(control, Control.quit) !== 0) return;
    for (let chunk = claimChunk(control, seq); chunk >= 0; chunk = claimChunk(control, seq)) {
      try {
        executor.run(chunk);
      } catch (error) {
        // Reported before the chunk counts as done, so the calling thread sees the flag when its wait ends.
        scope.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        Atomics.store(control, Control.failed, 1);
      }
      Atomics.add(control, Control.workerChunks, 1);
      Atomics.add(control, Control.done, 1);
      Atomics.notify(control, Control.done);
    }
  }
}

/** Waits for `seq` to move on while the event loop runs (so messages arrive). */
async function idle(control: Int32Array, seen: number): Promise<void> {
  const waitAsync = (Atomics as { waitAsync?: (array: Int32Array, index: number, value: number, timeout?: number) => { async: boolean; value: unknown } })
    .waitAsync;
  if (typeof waitAsync === 'function') {
    const result = waitAsync(control, Control.seq, seen);
    if (result.async) await result.value;
    return;
  }
  // No waitAsync (older engines): sleep briefly, then give the event loop a turn.
  Atomics.wait(control, Control.seq, seen, 2);
  await new Promise((resolve) => setTimeout(resolve, 0));
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  const start = event.data as WebWorkerStart;
  const buffers = new ReceivedBuffers(new Int32Array(start.known), start.slot);
  start.buffers.forEach((buffer, id) => buffers.add(id, buffer));
  scope.onmessage = (next) => {
    const { id, buffer } = next.data as WebBufferMessage;
    buffers.add(id, buffer);
  };
  serve(scope, start, buffers).catch((error: unknown) => {
    scope.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    Atomics.store(new Int32Array(start.control), Control.failed, 1);
  });
};
