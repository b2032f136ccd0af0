import type { LossInfo } from '@lenet-ts/core';
import type { Rank, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import type { Tf } from './runtime.js';

export interface LossTensors {
  readonly loss: Tensor;
  readonly correct: Tensor;
  readonly gradient: Tensor;
}

/** The fused loss of backend.ts: batch-mean loss, its gradient and the correct count, all float32 tensors. */
export function lossAndGradient(tf: Tf, input: Tensor, labels: Tensor, info: LossInfo): LossTensors {
  const { batch, classes } = info;
  const x = tf.reshape<Rank.R2>(input, [batch, classes]);
  const oneHot = tf.cast(tf.oneHot(tf.cast(tf.reshape(labels, [batch]), 'int32'), classes), 'float32');
  const correct = tf.sum(tf.cast(tf.equal(firstArgmax(tf, x), tf.reshape(labels, [batch])), 'float32'));
  if (info.kind === 'sparse-categorical-crossentropy') return { ...clippedCrossEntropy(tf, x, oneHot, info), correct };
  if (info.kind === 'softmax-cross-entropy') return { ...softmaxCrossEntropy(tf, x, oneHot, batch), correct };
  throw new Error(`tfjs backend: unknown loss '${String(info.kind)}'; expected sparse-categorical-crossentropy or softmax-cross-entropy`);
}

/**
 * TF 2.0 Keras sparse categorical cross-entropy on probabilities: q = clip(p, eps, 1 - eps),
 * loss = -log(q_y / sum q). clip_by_value passes the gradient where eps <= p <= 1 - eps (inclusive,
 * as TF and tfjs do) and blocks it outside.
 */
function clippedCrossEntropy(tf: Tf, p: Tensor2D, oneHot: Tensor, info: LossInfo): { loss: Tensor; gradient: Tensor } {
  const lo = Math.fround(info.epsilon);
  const hi = Math.fround(1 - lo);
  const q = tf.clipByValue(p, lo, hi);
  const sum = tf.sum(q, 1, true);
  const qy = tf.sum(tf.mul(q, oneHot), 1, true);
  const loss = tf.mean(tf.neg(tf.log(tf.div(qy, sum))));
  const batch = tf.scalar(info.batch);
  // d/dq_j of -log(q_y / sum q) = 1/sum - [j = y]/q_y, over the batch mean.
  const common = tf.div(tf.div(1, sum), batch);
  const dq = tf.sub(common, tf.mul(oneHot, tf.div(tf.div(1, qy), batch)));
  const inside = tf.logicalAnd(tf.greaterEqual(p, lo), tf.lessEqual(p, hi));
  return { loss, gradient: tf.where(inside, dq, tf.zerosLike(dq)) };
}

/** Softmax then -log(softmax_y) through the log-sum-exp shifted by the row max; gradient (softmax - onehot)/batch. */
function softmaxCrossEntropy(tf: Tf, logits: Tensor2D, oneHot: Tensor, batch: number): { loss: Tensor; gradient: Tensor } {
  const max = tf.max(logits, 1, true);
  const shifted = tf.sub(logits, max);
  const sum = tf.sum(tf.exp(shifted), 1, true);
  const logSumExp = tf.add(max, tf.log(sum));
  const loss = tf.mean(tf.sub(logSumExp, tf.sum(tf.mul(logits, oneHot), 1, true)));
  const softmax = tf.div(tf.exp(shifted), sum);
  return { loss, gradient: tf.div(tf.sub(softmax, oneHot), tf.scalar(batch)) };
}

/**
 * Row argmax where the first index wins ties, as float32: the smallest column holding the row max
 * (tf.argMax's tie rule is not promised across runtimes).
 */
function firstArgmax(tf: Tf, x: Tensor2D): Tensor {
  const [, classes] = x.shape;
  const columns = tf.range(0, classes, 1, 'float32');
  const isMax = tf.equal(x, tf.max(x, 1, true));
  return tf.min(tf.where<Tensor>(isMax, columns, tf.scalar(classes)), 1);
}
