import type { ActivationKind } from '../backend.js';
import type { Engine } from '../engine.js';
import { conv2dInfo, type Conv2DInfo, type Padding } from '../geometry.js';
import { initialize, type Initializer } from '../initializers.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { Layer, type BuildContext, type LayerConfig, type Param } from './layer.js';

export interface Conv2DOptions {
  readonly filters: number;
  readonly kernelSize: number | readonly [number, number];
  readonly strides?: number | readonly [number, number];
  readonly padding?: Padding;
  readonly activation?: ActivationKind;
  readonly kernelInitializer?: Initializer;
}

/** 2-D convolution with bias and a fused activation (Keras Conv2D, channels-last). */
export class Conv2D extends Layer {
  readonly baseName = 'conv2d';
  private readonly kernelSize: readonly [number, number];
  private readonly strides: readonly [number, number];
  private readonly activation: ActivationKind;
  private engine!: Engine;
  private kernel!: Param;
  private bias!: Param;
  private cache: { x: Tensor; y: Tensor; info: Conv2DInfo } | null = null;

  constructor(private readonly options: Conv2DOptions) {
    super();
    this.kernelSize = pair(options.kernelSize);
    this.strides = pair(options.strides ?? 1);
    this.activation = options.activation ?? 'linear';
  }

  build(inputShape: readonly number[], { engine, random }: BuildContext): readonly number[] {
    this.engine = engine;
    const filterShape = [this.kernelSize[0], this.kernelSize[1], inputShape[2]!, this.options.filters];
    const info = conv2dInfo([1, ...inputShape], filterShape, this.strides, this.options.padding ?? 'valid');
    const kernel = initialize(this.options.kernelInitializer ?? 'glorot_uniform', filterShape, random);
    this.kernel = { name: `${this.name}/kernel`, value: engine.keep(engine.upload(kernel, filterShape)), grad: null };
    const bias = new Float32Array(this.options.filters);
    this.bias = { name: `${this.name}/bias`, value: engine.keep(engine.upload(bias, [this.options.filters])), grad: null };
    return info.outShape.slice(1);
  }

  forward(x: Tensor): Tensor {
    const info = conv2dInfo(x.shape, this.kernel.value.shape, this.strides, this.options.padding ?? 'valid');
    const y = ops.conv2d(this.engine, x, this.kernel.value, this.bias.value, info, this.activation);
    this.cache = { x, y, info };
    return y;
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | null {
    if (!this.cache) throw new Error(`${this.name}: backward called before forward`);
    const { x, y, info } = this.cache;
    const dz = this.activation === 'linear' ? dy : ops.activationBackward(this.engine, dy, y, this.activation);
    this.kernel.grad = ops.conv2dBackwardFilter(this.engine, x, dz, info);
    this.bias.grad = ops.biasGrad(this.engine, dz);
    return needInputGradient ? ops.conv2dBackwardInput(this.engine, dz, this.kernel.value, info) : null;
  }

  override params(): Param[] {
    return [this.kernel, this.bias];
  }

  config(): LayerConfig {
    return {
      type: 'Conv2D',
      filters: this.options.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.options.padding ?? 'valid',
      activation: this.activation,
    };
  }
}

export function pair(v: number | readonly [number, number]): readonly [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}
