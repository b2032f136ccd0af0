// What the Loss objects promise for predict: probabilities per row, clipped and normalised (sigmoid outputs)
// or softmax (logits), and which kind each name builds.
import { describe, expect, it } from 'vitest';
import { KERAS_EPSILON, lossByKind, lossInfo, softmaxCrossEntropy, sparseCategoricalCrossentropy } from '../losses.js';

describe('sparseCategoricalCrossentropy().probabilities', () => {
  it('clips each output to [eps, 1 - eps] and divides by the clipped row sum, row by row', () => {
    const loss = sparseCategoricalCrossentropy(0.1);
    expect(loss.kind).toBe('sparse-categorical-crossentropy');
    expect(loss.epsilon).toBe(0.1);
    // Row 0: [0.5, 1 -> 0.9, 0 -> 0.1] sums to 1.5. Row 1: [0.2, 0.2, 0.2].
    const p = loss.probabilities(Float32Array.of(0.5, 1, 0, 0.2, 0.2, 0.2), 3);
    expect(p).toHaveLength(6);
    const expected = [0.5 / 1.5, 0.9 / 1.5, 0.1 / 1.5, 1 / 3, 1 / 3, 1 / 3];
    expected.forEach((e, i) => expect(p[i]).toBeCloseTo(e, 6));
  });

  it('defaults to the Keras epsilon', () => {
    expect(sparseCategoricalCrossentropy().epsilon).toBe(KERAS_EPSILON);
    expect(KERAS_EPSILON).toBe(1e-7);
  });
});

describe('softmaxCrossEntropy().probabilities', () => {
  it('is the softmax of each row, stable for large logits', () => {
    const loss = softmaxCrossEntropy();
    expect(loss.kind).toBe('softmax-cross-entropy');
    const p = loss.probabilities(Float32Array.of(0, Math.log(3), 1000, 1000), 2);
    expect(p).toHaveLength(4);
    [0.25, 0.75, 0.5, 0.5].forEach((e, i) => expect(p[i]).toBeCloseTo(e, 6));
  });
});

describe('lossByKind and lossInfo', () => {
  it('build the kind named, and describe a batch', () => {
    expect(lossByKind('softmax-cross-entropy').kind).toBe('softmax-cross-entropy');
    expect(lossByKind('sparse-categorical-crossentropy').kind).toBe('sparse-categorical-crossentropy');
    expect(lossInfo(sparseCategoricalCrossentropy(0.01), 32, 10)).toEqual({ kind: 'sparse-categorical-crossentropy', batch: 32, classes: 10, epsilon: 0.01 });
  });
});
