import type { BatchLogs } from './fit-options.js';

/** What one epoch of `fit` reports (Keras `History` entries), also kept in a FitState's history. */
export interface EpochLogs {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

/** What `evaluate` reports: sample-weighted mean loss and accuracy over `count` rows. */
export interface EvaluateResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
  readonly seconds: number;
}

/**
 * What `fit` reports after each step, in step order (delivered when the step's values are read back,
 * every `stepsPerRead` steps): the batch's own loss and accuracy and the epoch's running means so far.
 */
export interface BatchEndLogs extends BatchLogs {
  readonly epoch: number;
  /** The step's number within its epoch (1-based). */
  readonly step: number;
  readonly batchLoss: number;
  readonly batchAccuracy: number;
  /** Running sample-weighted means over the epoch so far (what the Keras bar shows). */
  readonly loss: number;
  readonly accuracy: number;
  /** Samples trained in this epoch so far, and in the epoch. */
  readonly seen: number;
  readonly total: number;
}
