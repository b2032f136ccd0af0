import type { StepValues } from './step-readback.js';

/**
 * Keras' running epoch metrics: batch losses weighted by batch size and correct predictions counted, both
 * over the samples seen so far. Sums are float64 over the float32 values each step read back.
 */
export class RunningTotals {
  constructor(
    public seen = 0,
    public lossSum = 0,
    public correctSum = 0,
  ) {}

  add(step: StepValues): void {
    this.seen += step.size;
    this.lossSum += step.loss * step.size;
    this.correctSum += step.correct;
  }

  get loss(): number {
    return this.lossSum / this.seen;
  }

  get accuracy(): number {
    return this.correctSum / this.seen;
  }
}
