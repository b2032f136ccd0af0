import type { Engine } from '../engine.js';
import type { SgdInfo } from '../backend.js';
import { matMulInfo, type MatMulInfo } from '../geometry.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';

/**
 * Steps whose loss and correct count are read back together by default. A read waits for the device to
 * drain its queue (a GPU round trip); 16 steps make that 16 times rarer, a NaN still stops the run at
 * most 15 steps late, and the progress bar still moves: 16 batches of 32 are 512 samples, a fraction of
 * a second on the cpu backend and 1-5 s on gpu.js's software modes (100-400 samples/s here).
 */
export const STEPS_PER_READ = 16;

/** One step's values as a per-step read would have returned them. */
export interface StepValues {
  /** The step's number within its epoch (1-based). */
  readonly step: number;
  /** Rows in the step's batch. */
  readonly size: number;
  /** The batch-mean loss (a float32 value). */
  readonly loss: number;
  /** Rows predicted correctly. */
  readonly correct: number;
}

interface PendingStep {
  readonly step: number;
  readonly size: number;
  readonly loss: Tensor;
  readonly correct: Tensor;
}

/**
 * Reads the 1-element loss and correct-count tensors of many steps with one `read`. Each step's pair is
 * gathered on the device into slot j (loss) and stepsPerRead + j (count) of one vector with two Backend
 * primitives: matMul of the [1,1] value by a negated one-hot row [1, 2*stepsPerRead], then a plain SGD
 * step with learning rate 1 (vector - that row). Adding a value to zeros and zeros to values is exact in
 * float32, so the values read are bit-identical to per-step reads. (The vector is never a matMul bias:
 * tfjs-wasm refuses a bias made by another matMul.) A NaN or infinity spreads over the whole vector
 * (0 * NaN is NaN); then the waiting steps are read one by one, so the first bad step is still named exactly.
 */
export class StepReadback {
  private readonly units = new Map<number, Tensor>();
  private readonly place: MatMulInfo;
  private readonly add: SgdInfo;
  private gathered: Tensor | null = null;
  private pending: PendingStep[] = [];

  constructor(
    private readonly engine: Engine,
    readonly stepsPerRead: number = STEPS_PER_READ,
  ) {
    if (!Number.isInteger(stepsPerRead) || stepsPerRead < 1) throw new RangeError(`stepsPerRead must be a positive integer, got ${stepsPerRead}`);
    this.place = matMulInfo(1, 1, 2 * stepsPerRead);
    this.add = { size: 2 * stepsPerRead, learningRate: 1, momentum: 0, nesterov: false };
  }

  /**
   * Takes over a step's loss and correct tensors. Resolves to the steps read back now: none until
   * `stepsPerRead` steps are waiting, then all of them, in order.
   */
  async record(step: number, size: number, loss: Tensor, correct: Tensor): Promise<StepValues[]> {
    const slot = this.pending.length;
    const gathered = (this.gathered ??= this.engine.keep(this.engine.upload(new Float32Array(2 * this.stepsPerRead), [2 * this.stepsPerRead])));
    this.engine.scope(() => {
      for (const [value, index] of [
        [loss, slot],
        [correct, this.stepsPerRead + slot],
      ] as const) {
        const placed = ops.matMul(this.engine, value, this.negatedUnit(index), null, this.place, 'linear');
        ops.sgdUpdate(this.engine, gathered, placed, null, this.add);
      }
    });
    this.pending.push({ step, size, loss, correct });
    return this.pending.length === this.stepsPerRead ? this.flush() : [];
  }

  /** Reads back every waiting step (at an epoch's end, or before a stop hands out the fit's state). */
  async flush(): Promise<StepValues[]> {
    const steps = this.pending;
    const gathered = this.gathered;
    this.pending = [];
    this.gathered = null;
    if (!gathered) return [];
    try {
      const values = await gathered.data();
      const read = steps.map((s, j) => ({ step: s.step, size: s.size, loss: values[j]!, correct: values[this.stepsPerRead + j]! }));
      if (read.every((v) => Number.isFinite(v.loss) && Number.isFinite(v.correct))) return read;
      const exact: StepValues[] = [];
      for (const s of steps) {
        const [loss, correct] = await Promise.all([s.loss.data(), s.correct.data()]);
        exact.push({ step: s.step, size: s.size, loss: loss[0]!, correct: correct[0]! });
      }
      return exact;
    } finally {
      gathered.dispose();
      for (const s of steps) {
        s.loss.dispose();
        s.correct.dispose();
      }
    }
  }

  /** Frees what is still waiting and the one-hot vectors. */
  dispose(): void {
    this.gathered?.dispose();
    this.gathered = null;
    for (const s of this.pending) {
      s.loss.dispose();
      s.correct.dispose();
    }
    this.pending = [];
    for (const u of this.units.values()) u.dispose();
    this.units.clear();
  }

  /** The row vector with -1 at slot `index` and zeros elsewhere, uploaded once per readback. */
  private negatedUnit(index: number): Tensor {
    let unit = this.units.get(index);
    if (!unit) {
      const values = new Float32Array(2 * this.stepsPerRead);
      values[index] = -1;
      unit = this.engine.keep(this.engine.upload(values, [1, 2 * this.stepsPerRead]));
      this.units.set(index, unit);
    }
    return unit;
  }
}
