import { Random, type RandomState } from '../random.js';
import type { EpochLogs } from './logs.js';
import { RunningTotals } from './running-totals.js';

/** Where a fit stands between steps: with the weights and optimizer state, enough to continue it exactly. */
export interface FitState {
  /** The epoch to run or to finish (1-based). */
  readonly epoch: number;
  /** Training samples of that epoch already done; 0 means its shuffle has not happened yet. */
  readonly offset: number;
  /** The training-row order: that epoch's when offset > 0, else the previous epoch's (the next shuffle starts from it). */
  readonly order: Uint32Array;
  /** The batch-order generator's state. */
  readonly random: RandomState;
  /** Sample-weighted loss sum and correct count of the samples done in that epoch. */
  readonly lossSum: number;
  readonly correctSum: number;
  /** The epochs finished so far. */
  readonly history: readonly EpochLogs[];
}

/**
 * The part of a fit that outlives a step: the training-row order, the generator that shuffles it, and
 * the finished epochs. Starts fresh from a seed or from a FitState, and hands out FitStates.
 */
export class FitProgress {
  readonly order: Uint32Array;
  readonly history: EpochLogs[] = [];
  private readonly random: Random;

  constructor(
    trainCount: number,
    seed: number,
    private readonly resume?: FitState,
  ) {
    this.random = new Random(seed);
    this.order = new Uint32Array(trainCount);
    for (let i = 0; i < trainCount; i++) this.order[i] = i;
    if (resume) {
      if (resume.order.length !== trainCount || resume.offset > trainCount) {
        throw new RangeError(`the state to resume from covers ${resume.order.length} training rows, this data has ${trainCount}`);
      }
      this.order.set(resume.order);
      this.random.setState(resume.random);
      this.history.push(...resume.history);
    }
  }

  /** The epoch the fit starts with. */
  get firstEpoch(): number {
    return this.resume?.epoch ?? 1;
  }

  /**
   * Readies `epoch`: the epoch a state stopped inside continues where it stopped, with its order and sums;
   * any other epoch is shuffled first (when asked) and starts from nothing.
   */
  startEpoch(epoch: number, shuffle: boolean): RunningTotals {
    const resumed = this.resume && epoch === this.resume.epoch && this.resume.offset > 0 ? this.resume : null;
    if (resumed) return new RunningTotals(resumed.offset, resumed.lossSum, resumed.correctSum);
    if (shuffle) this.random.shuffle(this.order);
    return new RunningTotals();
  }

  /** A copy that later steps do not change, `totals.seen` samples into `epoch`. */
  snapshot(epoch: number, totals: RunningTotals): FitState {
    return {
      epoch,
      offset: totals.seen,
      order: this.order.slice(),
      random: this.random.getState(),
      lossSum: totals.lossSum,
      correctSum: totals.correctSum,
      history: [...this.history],
    };
  }
}
