import { availableParallelism } from 'node:os';
import { providers } from '@lenet-ts/backends';
import { backendTargets, threadedWithoutModes } from './backends.js';
import type { BenchOptions } from './options.js';
import { ALL_PEERS_SELECTOR, isPeer, PEER_TARGETS } from './peer-target.js';
import type { Budget, ChildRequest, Target } from './protocol.js';

/** The batch sizes of the main table (the seed recipe's 32, and a large one) and of inference. */
export const TRAIN_BATCHES = [32, 256] as const;
export const INFER_BATCH = 256;

/** A named group of child processes whose results form one table. */
export interface Job {
  readonly table: 'main' | 'batch-sweep' | 'thread-sweep';
  readonly request: ChildRequest;
  /** Seconds before the child is killed. */
  readonly timeoutSeconds: number;
}

/** Every installed backend in every mode, then each peer on each runtime it has. */
export function mainTargets(): Target[] {
  return [...backendTargets(availableParallelism()), ...PEER_TARGETS];
}

/** What `--only` accepts: each backend and peer id, each `id:mode` of the main table, and `peers`. */
export function targetSelectors(): string[] {
  const ids = mainTargets().flatMap((t) => [t.backend, ...(t.mode === '' ? [] : [`${t.backend}:${t.mode}`])]);
  return [...new Set([...ids, ALL_PEERS_SELECTOR])];
}

/**
 * Runs of ~2 s (full) or ~0.6 s (quick). A target whose first warm-up batch takes longer than
 * `slowStepSeconds` (plain-JavaScript kernels: seconds a batch) switches to `slow`: fewer, longer batches.
 */
function budgetFor(quick: boolean): Budget {
  const slow: Budget = quick
    ? { runSeconds: 4, runs: 1, warmupSteps: 1, minSteps: 1, maxSteps: 4 }
    : { runSeconds: 10, runs: 3, warmupSteps: 1, minSteps: 1, maxSteps: 10 };
  const fast = quick
    ? { runSeconds: 0.6, runs: 3, warmupSteps: 3, minSteps: 2, maxSteps: 400 }
    : { runSeconds: 2, runs: 5, warmupSteps: 5, minSteps: 3, maxSteps: 2000 };
  return { ...fast, slowStepSeconds: 0.25, slow };
}

/**
 * Whether `--only` selects a target: an id (`cpu` every cpu mode, `name:mode` one mode) names it, or `peers`
 * for a peer. The peers are the point of the tables, so they all run unless some peer is named; naming
 * only peers runs no backend.
 */
function selected(target: Target, only: readonly string[]): boolean {
  if (only.length === 0) return true;
  const names = (o: string) => o === target.backend || o === `${target.backend}:${target.mode}`;
  if (!isPeer(target.backend)) return only.some(names);
  const peerSelectors = only.filter((o) => o === ALL_PEERS_SELECTOR || isPeer(o.split(':')[0]!));
  return peerSelectors.length === 0 || peerSelectors.some((o) => o === ALL_PEERS_SELECTOR || names(o));
}

export function plan(options: BenchOptions): Job[] {
  const jobs: Job[] = [];
  const timeoutSeconds = options.quick ? 600 : 1800;
  for (const target of mainTargets()) {
    if (!selected(target, options.only)) continue;
    jobs.push({
      table: 'main',
      timeoutSeconds,
      request: { target, trainBatches: [...TRAIN_BATCHES], inferBatches: [INFER_BATCH], budget: budgetFor(options.quick) },
    });
  }
  // The sweeps vary the batch and the thread count of the first backend whose mode column is a thread count.
  const swept = providers.find(threadedWithoutModes)!;
  const sweptSelected = options.only.length === 0 || options.only.some((o) => o === swept.name || o.startsWith(`${swept.name}:`));
  if (options.noSweeps || !sweptSelected) return jobs;
  const cores = availableParallelism();
  const batches = options.quick ? [1, 8, 32, 128, 512] : [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
  const sweepBudget: Budget = options.quick
    ? { runSeconds: 0.4, runs: 3, warmupSteps: 2, minSteps: 2, maxSteps: 2000 }
    : { runSeconds: 1, runs: 5, warmupSteps: 4, minSteps: 3, maxSteps: 4000 };
  const sweepTarget: Target = { backend: swept.name, mode: String(cores) };
  jobs.push({ table: 'batch-sweep', timeoutSeconds, request: { target: sweepTarget, trainBatches: batches, inferBatches: batches, budget: sweepBudget } });
  // 1..cores, then twice as many threads as cores to show what oversubscription costs.
  const threads = options.quick ? [...new Set([1, cores])] : [...new Set([...Array.from({ length: cores }, (_, i) => i + 1), 2 * cores])];
  for (const t of threads) {
    jobs.push({
      table: 'thread-sweep',
      timeoutSeconds,
      request: { target: { backend: swept.name, mode: String(t) }, trainBatches: [...TRAIN_BATCHES], inferBatches: [INFER_BATCH], budget: sweepBudget },
    });
  }
  return jobs;
}
