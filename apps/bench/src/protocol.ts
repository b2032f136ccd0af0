/** What the harness asks one child process to measure, and what it answers (one JSON line each way). */

/** One thing to measure: one of our backends in one mode, or a peer on one runtime. */
export interface Target {
  /** An installed backend's name, or a peer's (peer-target.ts). */
  readonly backend: string;
  /** The backend's mode; a thread count for a threaded backend without modes; the peer's runtime (cpu, wasm, node, js, eager). */
  readonly mode: string;
}

/** How long to measure: each timed run lasts about `runSeconds`; the median of `runs` runs counts. */
export interface Budget {
  readonly runSeconds: number;
  readonly runs: number;
  /** Warm-up steps before timing (a first step compiles kernels). */
  readonly warmupSteps: number;
  /** Fewest and most steps (batches) per timed run. */
  readonly minSteps: number;
  readonly maxSteps: number;
  /** A first warm-up batch slower than this switches to `slow` for the rest of the measurement. */
  readonly slowStepSeconds?: number;
  readonly slow?: Budget;
}

export interface ChildRequest {
  readonly target: Target;
  /** Training batch sizes to measure, in order. */
  readonly trainBatches: readonly number[];
  /** Inference batch sizes to measure, in order (none: empty). */
  readonly inferBatches: readonly number[];
  readonly budget: Budget;
  /** torch-peer only: the folder the bench loaded (and verified) Fashion-MNIST from, for the Python child to read. */
  readonly dataDir?: string;
}

export interface Measurement {
  readonly task: 'train' | 'infer';
  readonly batchSize: number;
  /** Median over the runs. */
  readonly samplesPerSecond: number;
  /** Each run's samples per second. */
  readonly runs: readonly number[];
  /** Samples per timed run. */
  readonly samples: number;
}

export interface ChildResult {
  readonly target: Target;
  /** What actually ran (the backend's description), or why it could not. */
  readonly description: string;
  readonly available: boolean;
  readonly measurements: readonly Measurement[];
  /** process.resourceUsage().maxRSS of the child, in MB. */
  readonly peakRssMB: number;
  /** Final training loss, to show the runs trained (NaN would mean a broken backend). */
  readonly lastLoss?: number;
  readonly seconds: number;
}

/** The child prints its answer on a line of its own after this marker (libraries print to stdout too). */
export const RESULT_MARKER = '@@bench-result ';
