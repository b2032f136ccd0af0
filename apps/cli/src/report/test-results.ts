import type { Dataset } from '@lenet-ts/core';

export interface Misclassified {
  /** Row in the test set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  /** The probability the model gave its (wrong) prediction. */
  readonly probability: number;
}

export interface TestResults {
  /** counts[true][predicted]. */
  readonly confusion: number[][];
  readonly correct: number;
  readonly count: number;
  /** Every mistake, in test-set order. */
  readonly misclassified: Misclassified[];
}

/** Tallies predictions (probabilities, [count, classes] row-major) against the labels; argmax, first index wins ties. */
export function tallyPredictions(probabilities: Float32Array, data: Pick<Dataset, 'labels' | 'count'>, classes: number): TestResults {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const misclassified: Misclassified[] = [];
  let correct = 0;
  for (let i = 0; i < data.count; i++) {
    let predicted = 0;
    for (let j = 1; j < classes; j++) if (probabilities[i * classes + j]! > probabilities[i * classes + predicted]!) predicted = j;
    const label = data.labels[i]!;
    confusion[label]![predicted]!++;
    if (predicted === label) correct++;
    else misclassified.push({ index: i, label, predicted, probability: probabilities[i * classes + predicted]! });
  }
  return { confusion, correct, count: data.count, misclassified };
}
