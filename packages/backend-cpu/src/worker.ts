import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { claimChunk, Control } from './chunk-claims.js';
import { Executor } from './executor.js';
import { TaskBlock, type BufferTable } from './task.js';

/** What the main thread hands a worker when it starts it. */
export interface WorkerStart {
  readonly control: SharedArrayBuffer;
  readonly task: SharedArrayBuffer;
  /**
   * Carries every new buffer as { id, buffer }, read synchronously when a task names an unknown id; the
   * other way, a failed chunk's error as { error }.
   */
  readonly buffers: MessagePort;
  /** Atomics.load rounds to spin on before sleeping in Atomics.wait. */
  readonly spin: number;
}

export interface BufferMessage {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
}

/** The worker's copy of the buffer table, filled from the port as ids show up in tasks. */
class WorkerBuffers implements BufferTable {
  private readonly buffers: (SharedArrayBuffer | undefined)[] = [];
  private readonly float32Views: (Float32Array | undefined)[] = [];
  private readonly float64Views: (Float64Array | undefined)[] = [];

  constructor(private readonly port: MessagePort) {}

  float32(id: number): Float32Array {
    return (this.float32Views[id] ??= new Float32Array(this.buffer(id)));
  }

  float64(id: number): Float64Array {
    return (this.float64Views[id] ??= new Float64Array(this.buffer(id)));
  }

  private buffer(id: number): SharedArrayBuffer {
    while (this.buffers[id] === undefined) {
      // The main thread posts a buffer before it publishes any task naming it, so this never blocks long.
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) continue;
      const { id: fresh, buffer } = received.message as BufferMessage;
      this.buffers[fresh] = buffer;
    }
    return this.buffers[id];
  }
}

/** Sleeps until a task is published, runs chunks of it until none is left, and repeats until told to quit. */
function serve(start: WorkerStart): void {
  const control = new Int32Array(start.control);
  const executor = new Executor(new TaskBlock(start.task), new WorkerBuffers(start.buffers));
  let seen = Atomics.load(control, Control.seq);
  Atomics.add(control, Control.ready, 1);
  for (;;) {
    let seq = Atomics.load(control, Control.seq);
    for (let i = 0; seq === seen && i < start.spin; i++) seq = Atomics.load(control, Control.seq);
    if (seq === seen) {
      Atomics.wait(control, Control.seq, seen);
      continue;
    }
    seen = seq;
    if (Atomics.load(control, Control.quit) !== 0) return;
    for (let chunk = claimChunk(control, seq); chunk >= 0; chunk = claimChunk(control, seq)) {
      try {
        executor.run(chunk);
      } catch (error) {
        // Reported before the chunk counts as done, so the main thread sees it when its wait ends.
        start.buffers.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        Atomics.store(control, Control.failed, 1);
      }
      Atomics.add(control, Control.workerChunks, 1);
      Atomics.add(control, Control.done, 1);
      Atomics.notify(control, Control.done);
    }
  }
}

serve(workerData as WorkerStart);
