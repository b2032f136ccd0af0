import type { ActivationKind } from '../backend.js';
import type { Engine } from '../engine.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { Layer, type BuildContext, type LayerConfig } from './layer.js';

/** A standalone activation (Keras `Activation`); Conv2D and Dense fuse theirs instead. */
export class Activation extends Layer {
  readonly baseName = 'activation';
  private engine!: Engine;
  private output: Tensor | null = null;

  constructor(private readonly kind: ActivationKind) {
    super();
  }

  build(inputShape: readonly number[], { engine }: BuildContext): readonly number[] {
    this.engine = engine;
    return inputShape;
  }

  forward(x: Tensor): Tensor {
    this.output = ops.activation(this.engine, x, this.kind);
    return this.output;
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | null {
    if (!this.output) throw new Error(`${this.name}: backward called before forward`);
    return needInputGradient ? ops.activationBackward(this.engine, dy, this.output, this.kind) : null;
  }

  config(): LayerConfig {
    return { type: 'Activation', activation: this.kind };
  }
}
