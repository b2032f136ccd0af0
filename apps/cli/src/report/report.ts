import type { Dataset, EpochLogs, Sequential } from '@lenet-ts/core';
import { writeFileAtomically } from '../files.js';
import { renderReport } from './html.js';
import { tallyPredictions } from './test-results.js';

export interface TrainingReport {
  readonly title: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly history: readonly EpochLogs[];
  readonly test: { readonly loss: number; readonly accuracy: number };
  readonly classNames: readonly string[];
}

/** Predicts the test images, tallies the confusion matrix and mistakes, and writes the HTML page atomically. */
export async function writeTrainingReport(path: string, model: Sequential, test: Dataset & { images: Uint8Array }, report: TrainingReport): Promise<void> {
  const probabilities = await model.predictProbabilities(test);
  const results = tallyPredictions(probabilities, test, report.classNames.length);
  const html = renderReport({ ...report, results, images: { images: test.images, side: test.sampleShape[0]! } });
  writeFileAtomically(path, html, 'report');
}
