import type { Engine } from '../engine.js';
import type { Random } from '../random.js';
import type { Tensor } from '../tensor.js';

/** A trainable tensor and its gradient from the latest backward pass. */
export interface Param {
  readonly name: string;
  readonly value: Tensor;
  grad: Tensor | null;
}

export interface BuildContext {
  readonly engine: Engine;
  readonly random: Random;
}

/** What a layer needs to be rebuilt elsewhere (saved models, summaries). */
export interface LayerConfig {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * ConvNetJS-style layer: `forward` caches what `backward` needs; `backward` fills parameter gradients and
 * returns dL/dx (or null when the caller does not need it, e.g. for the first layer).
 * Shapes exclude the batch axis.
 */
export abstract class Layer {
  /** Keras-style base name used to number layers: `conv2d`, `conv2d_1`, ... */
  abstract readonly baseName: string;
  name = '';
  inputShape: readonly number[] = [];
  outputShape: readonly number[] = [];

  /** Creates parameters for the given per-sample input shape and returns the per-sample output shape. */
  abstract build(inputShape: readonly number[], context: BuildContext): readonly number[];
  abstract forward(x: Tensor, training: boolean): Tensor;
  abstract backward(dy: Tensor, needInputGradient: boolean): Tensor | null;
  abstract config(): LayerConfig;

  params(): Param[] {
    return [];
  }
}
