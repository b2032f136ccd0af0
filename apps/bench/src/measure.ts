import { sliceDataset, type Dataset, type Sequential } from '@lenet-ts/core';
import type { Budget, Measurement } from './protocol.js';
import { median } from './stats.js';

/**
 * Something that processes `count` samples of a dataset in batches and says how long the work took
 * (excluding set-up such as copying the slice), e.g. one epoch of training or one pass of inference.
 */
export type Pass = (data: Dataset, batchSize: number) => Promise<number>;

export interface Timed {
  readonly seconds: number;
  readonly count: number;
}

/**
 * Steady-state throughput of a pass: warm-up steps first (kernels compile, buffers grow), then a short
 * calibration that sizes the timed runs to about `budget.runSeconds` each (within minSteps..maxSteps
 * batches); the result is the median of `budget.runs` runs. Every run starts at the front of `data` (speed does not depend on which images).
 */
export async function measurePass(task: 'train' | 'infer', pass: Pass, data: Dataset, batchSize: number, requested: Budget): Promise<Measurement> {
  const stepsOf =
    (budget: Budget) =>
    (n: number): Dataset => {
      const maxSteps = Math.max(1, Math.min(budget.maxSteps, Math.floor(data.count / batchSize)));
      return sliceDataset(data, 0, Math.min(data.count, Math.max(1, Math.min(n, maxSteps)) * batchSize));
    };
  // The first warm-up batch tells a slow target (seconds a batch) from a fast one.
  const first = stepsOf(requested)(1);
  let perStep = (await pass(first, batchSize)) / (first.count / batchSize);
  const budget = requested.slow && perStep > (requested.slowStepSeconds ?? Infinity) ? requested.slow : requested;
  const maxSteps = Math.max(1, Math.min(budget.maxSteps, Math.floor(data.count / batchSize)));
  const steps = stepsOf(budget);
  if (budget.warmupSteps > 1) {
    const warmup = steps(budget.warmupSteps - 1);
    perStep = (await pass(warmup, batchSize)) / (warmup.count / batchSize);
  }
  // A slow target (the peer: seconds per batch) is sized from its warm-up; a fast one gets a clean calibration.
  if (perStep * budget.minSteps < budget.runSeconds) {
    const calibration = steps(budget.minSteps);
    perStep = (await pass(calibration, batchSize)) / (calibration.count / batchSize);
  }
  const runSteps = Math.max(budget.minSteps, Math.min(maxSteps, Math.round(budget.runSeconds / perStep)));
  const run = steps(runSteps);
  const runs: number[] = [];
  for (let i = 0; i < budget.runs; i++) runs.push(run.count / (await pass(run, batchSize)));
  return { task, batchSize, samplesPerSecond: median(runs), runs, samples: run.count };
}

/** Training passes: one epoch of Sequential.fit each, timed by fit's own clock (the training loop only). */
export class Trainer {
  /** Training loss of the latest pass (NaN before any): finite means the backend really trained. */
  lastLoss = NaN;
  private run = 0;

  constructor(
    private readonly model: Sequential,
    private readonly seed: number,
  ) {}

  readonly pass: Pass = async (data, batchSize) => {
    const [epoch] = await this.model.fit(data, { batchSize, epochs: 1, verbose: 0, shuffle: true, seed: this.seed + this.run++ });
    this.lastLoss = epoch!.loss;
    return data.count / epoch!.samplesPerSecond;
  };
}

/** Sequential.predictProbabilities over the data: upload, forward pass, read-back and softmax, batch by batch (as predict measured before it returned raw outputs). */
export function inferPass(model: Sequential): Pass {
  return async (data, batchSize) => {
    const started = performance.now();
    await model.predictProbabilities(data, { batchSize });
    return (performance.now() - started) / 1000;
  };
}
