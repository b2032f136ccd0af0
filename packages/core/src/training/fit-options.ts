import type { Dataset } from '../dataset.js';
import type { OutputStream } from '../output-stream.js';
import type { FitState } from './fit-state.js';
import type { BatchEndLogs, EpochLogs } from './logs.js';

export interface FitOptions {
  readonly batchSize?: number;
  readonly epochs?: number;
  /** Fraction taken from the END of the data, before any shuffling (Keras `validation_split`). */
  readonly validationSplit?: number;
  /** Rows to validate on after each epoch (Keras `validation_data`); when given, `validationSplit` is ignored. */
  readonly validationData?: Dataset;
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
  /** Called before each epoch (1-based, as the progress lines count). */
  readonly onEpochBegin?: (epoch: number) => void | Promise<void>;
  /** Called just before each step is dispatched, with the step's 0-based index in its epoch (Keras `batch`) and its rows. */
  readonly onBatchBegin?: (batch: number, logs: BatchLogs) => void | Promise<void>;
  /**
   * Called for each step with Keras's batch logs: the epoch's running mean loss and accuracy up to and
   * including that step. The values are read from the device in groups of `stepsPerRead` steps (16 by
   * default), so the calls for a group come together when it is read, after the group's later steps have
   * been dispatched; pass `stepsPerRead: 1` to get each call before the next step runs (slower on a GPU).
   */
  readonly onBatchEnd?: (batch: number, logs: BatchEndLogs) => void | Promise<void>;
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

/** Keras's per-batch logs. `loss` and `accuracy` are absent in onBatchBegin. */
export interface BatchLogs {
  /** The step's 0-based index within its epoch. */
  readonly batch: number;
  /** Rows in the step's batch. */
  readonly size: number;
  readonly loss?: number;
  readonly accuracy?: number;
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
