/**
 * A learning rate that depends on the optimizer's step count (Keras `LearningRateSchedule`): evaluated
 * once per update, so changing it never recompiles a kernel (the rate is a uniform/scalar everywhere).
 */
export interface LearningRateSchedule {
  (iteration: number): number;
  readonly description: string;
}

/** Keras `ExponentialDecay`: lr = initial * rate^(iteration / steps), floored to whole periods if `staircase`. */
export function exponentialDecay(initial: number, decaySteps: number, decayRate: number, staircase = false): LearningRateSchedule {
  if (!(initial > 0) || !(decaySteps > 0) || !(decayRate > 0 && decayRate <= 1)) {
    throw new RangeError(`exponentialDecay needs initial > 0, decaySteps > 0, 0 < decayRate <= 1`);
  }
  const schedule = (iteration: number) => {
    const p = iteration / decaySteps;
    return initial * decayRate ** (staircase ? Math.floor(p) : p);
  };
  return Object.assign(schedule, { description: `${initial} * ${decayRate}^(step/${decaySteps})` });
}
