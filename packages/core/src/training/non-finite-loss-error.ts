/** Thrown by `fit` when a step's loss is NaN or infinite: the weights have diverged. */
export class NonFiniteLossError extends Error {
  /** What was seen, without the fix: `loss became NaN at epoch 2, step 31` (a CLI adds its own flag names). */
  readonly finding: string;

  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
  ) {
    const finding = `loss became ${value} at epoch ${epoch}, step ${step}`;
    super(`${finding}: training diverged; lower the learning rate`);
    this.name = 'NonFiniteLossError';
    this.finding = finding;
  }
}
