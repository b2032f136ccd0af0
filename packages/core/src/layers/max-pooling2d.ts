import type { Engine } from '../engine.js';
import { pool2dInfo, type Padding, type Pool2DInfo } from '../geometry.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { pair } from './conv2d.js';
import { Layer, type BuildContext, type LayerConfig } from './layer.js';

export interface MaxPooling2DOptions {
  readonly poolSize?: number | readonly [number, number];
  /** Defaults to the pool size, as in Keras. */
  readonly strides?: number | readonly [number, number];
  readonly padding?: Padding;
}

/** Max pooling that records argmax "switches" forward and scatters through them backward. */
export class MaxPooling2D extends Layer {
  readonly baseName = 'max_pooling2d';
  private readonly poolSize: readonly [number, number];
  private readonly strides: readonly [number, number];
  private readonly padding: Padding;
  private engine!: Engine;
  private cache: { argmax: Tensor; info: Pool2DInfo } | null = null;

  constructor(options: MaxPooling2DOptions = {}) {
    super();
    this.poolSize = pair(options.poolSize ?? 2);
    this.strides = pair(options.strides ?? this.poolSize);
    this.padding = options.padding ?? 'valid';
  }

  build(inputShape: readonly number[], { engine }: BuildContext): readonly number[] {
    this.engine = engine;
    return pool2dInfo([1, ...inputShape], this.poolSize, this.strides, this.padding).outShape.slice(1);
  }

  forward(x: Tensor): Tensor {
    const info = pool2dInfo(x.shape, this.poolSize, this.strides, this.padding);
    const { y, argmax } = ops.maxPool(this.engine, x, info);
    this.cache = { argmax, info };
    return y;
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | null {
    if (!this.cache) throw new Error(`${this.name}: backward called before forward`);
    return needInputGradient ? ops.maxPoolBackward(this.engine, dy, this.cache.argmax, this.cache.info) : null;
  }

  config(): LayerConfig {
    return { type: 'MaxPooling2D', poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}
