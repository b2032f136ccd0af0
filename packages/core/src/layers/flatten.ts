import type { Tensor } from '../tensor.js';
import { Layer, type LayerConfig } from './layer.js';

/** [N, ...] -> [N, prod(...)]: a reshaped view, no data moves (NHWC order, as Keras channels-last). */
export class Flatten extends Layer {
  readonly baseName = 'flatten';
  private inputBatchShape: readonly number[] = [];

  build(inputShape: readonly number[]): readonly number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  forward(x: Tensor): Tensor {
    this.inputBatchShape = x.shape;
    return x.reshape([x.shape[0]!, x.size / x.shape[0]!]);
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | null {
    return needInputGradient ? dy.reshape(this.inputBatchShape) : null;
  }

  config(): LayerConfig {
    return { type: 'Flatten' };
  }
}
