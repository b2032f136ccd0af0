import type { LossInfo, LossKind } from './backend.js';

/** Keras `backend.epsilon()`: the clip applied to probabilities before the log. */
export const KERAS_EPSILON = 1e-7;

/**
 * A loss the model trains with. Both kinds are fused backend primitives (loss, gradient, accuracy count in
 * one pass); this object only names the kind and how to turn the model's outputs into probabilities.
 */
export interface Loss {
  readonly kind: LossKind;
  readonly epsilon: number;
  /** Turns one row of model outputs into class probabilities (for predict). */
  probabilities(outputs: Float32Array, classes: number): Float32Array;
}

/**
 * TF 2.0 `sparse_categorical_crossentropy` on probability outputs (the d2l seed applies it to sigmoid
 * outputs): q = clip(p, eps, 1 - eps), L = -log(q_y / sum_j q_j). Probabilities are q / sum q.
 */
export function sparseCategoricalCrossentropy(epsilon = KERAS_EPSILON): Loss {
  return {
    kind: 'sparse-categorical-crossentropy',
    epsilon,
    probabilities(outputs, classes) {
      const p = new Float32Array(outputs.length);
      for (let r = 0; r < outputs.length; r += classes) {
        let sum = 0;
        for (let j = 0; j < classes; j++) sum += Math.min(Math.max(outputs[r + j]!, epsilon), 1 - epsilon);
        for (let j = 0; j < classes; j++) p[r + j] = Math.min(Math.max(outputs[r + j]!, epsilon), 1 - epsilon) / sum;
      }
      return p;
    },
  };
}

/** Softmax cross-entropy on logits (Keras `SparseCategoricalCrossentropy(from_logits=True)`). */
export function softmaxCrossEntropy(): Loss {
  return {
    kind: 'softmax-cross-entropy',
    epsilon: KERAS_EPSILON,
    probabilities(outputs, classes) {
      const p = new Float32Array(outputs.length);
      for (let r = 0; r < outputs.length; r += classes) {
        let max = -Infinity;
        for (let j = 0; j < classes; j++) max = Math.max(max, outputs[r + j]!);
        let sum = 0;
        for (let j = 0; j < classes; j++) sum += Math.exp(outputs[r + j]! - max);
        for (let j = 0; j < classes; j++) p[r + j] = Math.exp(outputs[r + j]! - max) / sum;
      }
      return p;
    },
  };
}

export function lossByKind(kind: LossKind): Loss {
  return kind === 'softmax-cross-entropy' ? softmaxCrossEntropy() : sparseCategoricalCrossentropy();
}

export function lossInfo(loss: Loss, batch: number, classes: number): LossInfo {
  return { kind: loss.kind, batch, classes, epsilon: loss.epsilon };
}
