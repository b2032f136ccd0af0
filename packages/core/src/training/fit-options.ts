import type { OutputStream } from '../output-stream.js';
import type { FitState } from './fit-state.js';
import type { BatchLogs, EpochLogs } from './logs.js';

export interface FitOptions {
  readonly batchSize?: number;
  readonly epochs?: number;
  /** Fraction taken from the END of the data, before any shuffling (Keras `validation_split`). */
  readonly validationSplit?: number;
  readonly shuffle?: boolean;
  /** Seeds the per-epoch shuffles. */
  readonly seed?: number;
  /** 0 = silent, 1 = Keras progress bar lines. */
  readonly verbose?: 0 | 1;
  /** Where verbose output goes; without one, whole lines through `console.log` (see `consoleLines`). */
  readonly output?: OutputStream;
  /**
   * Steps whose loss and accuracy are read back from the device together (default STEPS_PER_READ); the
   * progress bar moves and a NaN loss is noticed at that pace, and always at an epoch's end or a stop.
   */
  readonly stepsPerRead?: number;
  /** Called for every step, in order, once its loss and accuracy are read back (for live charts). */
  readonly onBatchEnd?: (logs: BatchLogs) => void;
  /** Called after each epoch with its logs and the state a checkpoint needs to continue from there. */
  readonly onEpochEnd?: (logs: EpochLogs, state: FitState) => void | Promise<void>;
  /**
   * Checked after every step; when it returns true fit stops there. Stopped mid-epoch, fit skips that
   * epoch's validation, hands the state to `onInterrupt` and returns the finished epochs.
   */
  readonly shouldStop?: () => boolean;
  readonly onInterrupt?: (state: FitState) => void | Promise<void>;
  /** Continues a fit from a state handed to `onEpochEnd` or `onInterrupt` (e.g. read from a checkpoint). */
  readonly resumeFrom?: FitState;
}

export interface EvaluateOptions {
  readonly batchSize?: number;
  /** 0 (default) = silent, 1 = the Keras evaluate line. */
  readonly verbose?: 0 | 1;
  /** Where verbose output goes; without one, whole lines through `console.log` (see `consoleLines`). */
  readonly output?: OutputStream;
  /** Batches whose loss and accuracy are read back together (default STEPS_PER_READ). */
  readonly stepsPerRead?: number;
}
