import { claimChunk, Control, publishChunks } from './chunk-claims.js';

/**
 * The calling thread's side of one shared task, the same for Node's worker_threads and a page's Web Workers:
 * publishes chunks [0, chunks) as task `seq`, claims chunks like the workers do, then spins `spin` rounds
 * and sleeps (Atomics.wait) until every chunk is done. Throws the first error a chunk of this thread threw.
 */
export function runSharedTask(control: Int32Array, seq: number, chunks: number, runChunk: (chunk: number) => void, spin: number): void {
  Atomics.store(control, Control.done, 0);
  publishChunks(control, seq, chunks);
  Atomics.store(control, Control.seq, seq);
  Atomics.notify(control, Control.seq);
  let finished = 0;
  let failed: unknown = null;
  for (let chunk = claimChunk(control, seq); chunk >= 0; chunk = claimChunk(control, seq)) {
    try {
      runChunk(chunk);
    } catch (error) {
      failed ??= error;
    }
    finished = Atomics.add(control, Control.done, 1) + 1;
  }
  // The task block must outlive every chunk a worker is still running, so wait even after a failure.
  for (let i = 0; finished < chunks && i < spin; i++) finished = Atomics.load(control, Control.done);
  while (finished < chunks) {
    Atomics.wait(control, Control.done, finished);
    finished = Atomics.load(control, Control.done);
  }
  if (failed !== null) throw failed;
}
