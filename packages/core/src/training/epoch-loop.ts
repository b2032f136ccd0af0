import { BatchUploader, batchRanges } from '../batches.js';
import { sliceDataset, type Dataset } from '../dataset.js';
import type { Engine } from '../engine.js';
import { consoleLines } from '../output-stream.js';
import { KerasProgbar } from '../progress.js';
import type { Tensor } from '../tensor.js';
import type { EvaluateOptions, FitOptions } from './fit-options.js';
import { FitProgress } from './fit-state.js';
import type { EpochLogs, EvaluateResult } from './logs.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import { RunningTotals } from './running-totals.js';
import { StepReadback, type StepValues } from './step-readback.js';

/** What the epoch loop needs from a model: one optimization step and an evaluation. */
export interface TrainableModel {
  readonly engine: Engine;
  readonly inputScale: number;
  /** Returns the pre-update batch loss and correct count as 1-element tensors the caller owns. */
  trainStep(images: Tensor, labels: Tensor): { loss: Tensor; correct: Tensor };
  evaluate(data: Dataset, options: EvaluateOptions): Promise<EvaluateResult>;
}

/** Keras `validation_split`: the last `fraction` of the rows, split off before any shuffling. */
export function splitValidation(data: Dataset, fraction: number): { train: Dataset; validation: Dataset | null } {
  if (fraction <= 0) return { train: data, validation: null };
  // Keras: split_at = int(n * (1 - validation_split)).
  const splitAt = Math.floor(data.count * (1 - fraction));
  return { train: sliceDataset(data, 0, splitAt), validation: sliceDataset(data, splitAt, data.count) };
}

/** Keras `fit`: epochs of shuffled steps with progress lines, validation, checkpoint states and stops. */
export async function fitEpochs(model: TrainableModel, data: Dataset, options: FitOptions = {}): Promise<EpochLogs[]> {
  const batchSize = options.batchSize ?? 32;
  const epochs = options.epochs ?? 1;
  const verbose = options.verbose ?? 1;
  const output = options.output ?? consoleLines();
  const { train, validation } = options.validationData
    ? { train: data, validation: options.validationData }
    : splitValidation(data, options.validationSplit ?? 0);
  const progress = new FitProgress(train.count, options.seed ?? 0, options.resumeFrom);
  const history = progress.history;
  const batches = new BatchUploader(model.engine, train, model.inputScale);
  const readback = new StepReadback(model.engine, options.stepsPerRead);
  let lastYield = performance.now();
  try {
    if (verbose) {
      output.write(validation ? `Train on ${train.count} samples, validate on ${validation.count} samples\n` : `Train on ${train.count} samples\n`);
    }
    for (let epoch = progress.firstEpoch; epoch <= epochs; epoch++) {
      const totals = progress.startEpoch(epoch, options.shuffle ?? true);
      if (verbose) output.write(`Epoch ${epoch}/${epochs}\n`);
      const progbar = new KerasProgbar(train.count, output, verbose ? undefined : false);
      if (verbose) progbar.start();
      const started = performance.now();
      const resumedAt = totals.seen;
      await options.onEpochBegin?.(epoch);
      const take = async (steps: StepValues[]) => {
        for (const step of steps) {
          if (!Number.isFinite(step.loss)) throw new NonFiniteLossError(epoch, step.step, step.loss);
          totals.add(step);
          progbar.update(totals.seen, { loss: totals.loss, accuracy: totals.accuracy });
          await options.onBatchEnd?.(step.step - 1, {
            batch: step.step - 1,
            size: step.size,
            epoch,
            step: step.step,
            batchLoss: step.loss,
            batchAccuracy: step.correct / step.size,
            loss: totals.loss,
            accuracy: totals.accuracy,
            seen: totals.seen,
            total: train.count,
          });
        }
      };
      for (const range of batchRanges(train.count, batchSize, resumedAt)) {
        await options.onBatchBegin?.(range.step - 1, { batch: range.step - 1, size: range.size });
        const { images, labels } = batches.upload(progress.order, range);
        const step = model.trainStep(images, labels);
        images.dispose();
        labels.dispose();
        await take(await readback.record(range.step, range.size, step.loss, step.correct));
        // Signal handlers (Ctrl-C) and timers only run when the loop yields to the event loop.
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if (options.shouldStop?.() && range.start + range.size < train.count) {
          await take(await readback.flush());
          progbar.abort();
          await options.onInterrupt?.(progress.snapshot(epoch, totals));
          return history;
        }
      }
      await take(await readback.flush());
      const trainSeconds = (performance.now() - started) / 1000;
      const logs: Record<string, number> = { loss: totals.loss, accuracy: totals.accuracy };
      let val: EvaluateResult | null = null;
      if (validation) {
        val = await model.evaluate(validation, { batchSize, verbose: 0, stepsPerRead: options.stepsPerRead });
        logs.val_loss = val.loss;
        logs.val_accuracy = val.accuracy;
      }
      const seconds = verbose ? progbar.finish(logs) : (performance.now() - started) / 1000;
      const entry: EpochLogs = {
        epoch,
        loss: logs.loss!,
        accuracy: logs.accuracy!,
        ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
        seconds,
        samplesPerSecond: (totals.seen - resumedAt) / trainSeconds,
      };
      history.push(entry);
      await options.onEpochEnd?.(entry, progress.snapshot(epoch + 1, new RunningTotals()));
      if (options.shouldStop?.()) break;
    }
    return history;
  } finally {
    readback.dispose();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
