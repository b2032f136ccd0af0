import { availableParallelism } from 'node:os';
import type { BenchOptions } from './options.js';
import type { Budget, ChildRequest, Target } from './protocol.js';

/** The batch sizes of the main table (the seed recipe's 32, and a large one) and of inference. */
export const TRAIN_BATCHES = [32, 256] as const;
export const INFER_BATCH = 256;
export const PEER = 'tfjs-layers-peer';

/** A named group of child processes whose results form one table. */
export interface Job {
  readonly table: 'main' | 'batch-sweep' | 'thread-sweep';
  readonly request: ChildRequest;
  /** Seconds before the child is killed. */
  readonly timeoutSeconds: number;
}

/** Every backend and mode, then the peer on each tfjs runtime it has (node only loads with libtensorflow). */
export function mainTargets(): Target[] {
  return [
    { backend: 'cpu', mode: String(availableParallelism()) },
    { backend: 'tfjs', mode: 'node' },
    { backend: 'tfjs', mode: 'wasm' },
    { backend: 'tfjs', mode: 'cpu' },
    { backend: 'gpujs', mode: 'headlessgl' },
    { backend: 'gpujs', mode: 'webgpu' },
    { backend: 'gpujs', mode: 'webasm' },
    { backend: 'gpujs', mode: 'cpu' },
    { backend: PEER, mode: 'cpu' },
    { backend: PEER, mode: 'node' },
  ];
}

/** Runs of ~2 s (full) or ~0.6 s (quick); the slow JavaScript tfjs kernels get fewer, longer batches. */
function budgetFor(target: Target, quick: boolean): Budget {
  const slow = target.mode === 'cpu' && (target.backend === PEER || target.backend === 'tfjs');
  if (slow) return quick ? { runSeconds: 4, runs: 1, warmupSteps: 1, minSteps: 1, maxSteps: 4 } : { runSeconds: 10, runs: 3, warmupSteps: 1, minSteps: 1, maxSteps: 10 };
  return quick ? { runSeconds: 0.6, runs: 3, warmupSteps: 3, minSteps: 2, maxSteps: 400 } : { runSeconds: 2, runs: 5, warmupSteps: 5, minSteps: 3, maxSteps: 2000 };
}

/** Whether `--only` selects a target: `cpu` matches every cpu mode, `tfjs:wasm` one mode, `peer` the peer. */
function selected(target: Target, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  const name = target.backend === PEER ? 'peer' : target.backend;
  return only.some((o) => o === name || o === `${name}:${target.mode}`);
}

export function plan(options: BenchOptions): Job[] {
  const jobs: Job[] = [];
  const timeoutSeconds = options.quick ? 600 : 1800;
  for (const target of mainTargets()) {
    if (!selected(target, options.only)) continue;
    jobs.push({ table: 'main', timeoutSeconds, request: { target, trainBatches: [...TRAIN_BATCHES], inferBatches: [INFER_BATCH], budget: budgetFor(target, options.quick) } });
  }
  const cpuSelected = options.only.length === 0 || options.only.some((o) => o === 'cpu' || o.startsWith('cpu:'));
  if (options.noSweeps || !cpuSelected) return jobs;
  const cores = availableParallelism();
  const batches = options.quick ? [1, 8, 32, 128, 512] : [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
  const sweepBudget: Budget = options.quick
    ? { runSeconds: 0.4, runs: 3, warmupSteps: 2, minSteps: 2, maxSteps: 2000 }
    : { runSeconds: 1, runs: 5, warmupSteps: 4, minSteps: 3, maxSteps: 4000 };
  const cpu: Target = { backend: 'cpu', mode: String(cores) };
  jobs.push({ table: 'batch-sweep', timeoutSeconds, request: { target: cpu, trainBatches: batches, inferBatches: batches, budget: sweepBudget } });
  // 1..cores, then twice as many threads as cores to show what oversubscription costs.
  const threads = options.quick ? [...new Set([1, cores])] : [...new Set([...Array.from({ length: cores }, (_, i) => i + 1), 2 * cores])];
  for (const t of threads) {
    jobs.push({
      table: 'thread-sweep',
      timeoutSeconds,
      request: { target: { backend: 'cpu', mode: String(t) }, trainBatches: [...TRAIN_BATCHES], inferBatches: [INFER_BATCH], budget: sweepBudget },
    });
  }
  return jobs;
}
