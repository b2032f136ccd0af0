import type { LossInfo } from '@lenet-ts/core';

/** Checked before the loss allocates its results, so that bad labels cannot leave counted handles behind. */
export function assertLossInputs(labels: Float32Array, info: LossInfo): void {
  if (info.kind !== 'sparse-categorical-crossentropy' && info.kind !== 'softmax-cross-entropy') {
    throw new Error(`cpu backend: unknown loss '${String(info.kind)}'; expected sparse-categorical-crossentropy or softmax-cross-entropy`);
  }
  for (let i = 0; i < info.batch; i++) {
    const label = labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= info.classes) {
      throw new RangeError(`cpu backend: label ${label} of row ${i} is not a class id in [0, ${info.classes})`);
    }
  }
}

/** Mean loss over the batch and its correct count; fills `gradient` (inputs checked by assertLossInputs). */
export function lossAndGradient(input: Float32Array, labels: Float32Array, info: LossInfo, gradient: Float32Array): { loss: number; correct: number } {
  const { batch, classes } = info;
  let total = 0;
  let correct = 0;
  for (let i = 0; i < batch; i++) {
    const row = i * classes;
    const label = labels[i]!;
    if (argmaxRow(input, row, classes) === label) correct++;
    total +=
      info.kind === 'sparse-categorical-crossentropy'
        ? clippedCrossEntropyRow(input, row, classes, label, info.epsilon, batch, gradient)
        : softmaxCrossEntropyRow(input, row, classes, label, batch, gradient);
  }
  return { loss: total / batch, correct };
}

/**
 * TF 2.0 Keras sparse categorical cross-entropy on probabilities: q = clip(p, eps, 1 - eps) with the
 * bounds in float32 as TF computes them; loss = -log(q_y / sum q). clip_by_value passes the gradient
 * where eps <= p <= 1 - eps (inclusive, as in TF and tfjs) and blocks it outside.
 */
function clippedCrossEntropyRow(p: Float32Array, row: number, classes: number, label: number, epsilon: number, batch: number, gradient: Float32Array): number {
  const lo = Math.fround(epsilon);
  const hi = Math.fround(1 - lo);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += clip(p[row + j]!, lo, hi);
  const qy = clip(p[row + label]!, lo, hi);
  const common = 1 / sum / batch;
  for (let j = 0; j < classes; j++) {
    const v = p[row + j]!;
    const dq = j === label ? common - 1 / qy / batch : common;
    gradient[row + j] = v >= lo && v <= hi ? dq : 0;
  }
  return -Math.log(qy / sum);
}

/** Softmax then -log(softmax_y), through the log-sum-exp shifted by the row max. */
function softmaxCrossEntropyRow(logits: Float32Array, row: number, classes: number, label: number, batch: number, gradient: Float32Array): number {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) if (logits[row + j]! > max) max = logits[row + j]!;
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j]! - max);
  for (let j = 0; j < classes; j++) {
    const softmax = Math.exp(logits[row + j]! - max) / sum;
    gradient[row + j] = (j === label ? softmax - 1 : softmax) / batch;
  }
  return max + Math.log(sum) - logits[row + label]!;
}

function clip(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Index of the row's largest value; the first one wins ties. */
export function argmaxRow(x: Float32Array, row: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if (x[row + j]! > x[row + best]!) best = j;
  return best;
}
