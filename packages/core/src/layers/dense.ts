import type { ActivationKind } from '../backend.js';
import type { Engine } from '../engine.js';
import { matMulInfo } from '../geometry.js';
import { initialize, type Initializer } from '../initializers.js';
import * as ops from '../ops.js';
import type { Tensor } from '../tensor.js';
import { Layer, type BuildContext, type LayerConfig, type Param } from './layer.js';

export interface DenseOptions {
  readonly units: number;
  readonly activation?: ActivationKind;
  readonly kernelInitializer?: Initializer;
}

/** Fully connected layer y = act(x W + b), W stored [in, out] as in Keras. */
export class Dense extends Layer {
  readonly baseName = 'dense';
  private readonly activation: ActivationKind;
  private engine!: Engine;
  private kernel!: Param;
  private bias!: Param;
  private cache: { x: Tensor; y: Tensor } | null = null;

  constructor(private readonly options: DenseOptions) {
    super();
    this.activation = options.activation ?? 'linear';
  }

  build(inputShape: readonly number[], { engine, random }: BuildContext): readonly number[] {
    if (inputShape.length !== 1) throw new Error(`${this.name} expects a flat input, got [${inputShape.join(',')}]; add a Flatten layer`);
    this.engine = engine;
    const shape = [inputShape[0]!, this.options.units];
    const kernel = initialize(this.options.kernelInitializer ?? 'glorot_uniform', shape, random);
    this.kernel = { name: `${this.name}/kernel`, value: engine.keep(engine.upload(kernel, shape)), grad: null };
    const bias = new Float32Array(this.options.units);
    this.bias = { name: `${this.name}/bias`, value: engine.keep(engine.upload(bias, [this.options.units])), grad: null };
    return [this.options.units];
  }

  forward(x: Tensor): Tensor {
    const [inputs, units] = this.kernel.value.shape as [number, number];
    const info = matMulInfo(x.shape[0]!, inputs, units);
    const y = ops.matMul(this.engine, x, this.kernel.value, this.bias.value, info, this.activation);
    this.cache = { x, y };
    return y;
  }

  backward(dy: Tensor, needInputGradient: boolean): Tensor | null {
    if (!this.cache) throw new Error(`${this.name}: backward called before forward`);
    const { x, y } = this.cache;
    const [inputs, units] = this.kernel.value.shape as [number, number];
    const batch = x.shape[0]!;
    const dz = this.activation === 'linear' ? dy : ops.activationBackward(this.engine, dy, y, this.activation);
    // dW = x^T dz ([in, batch] x [batch, out]); dx = dz W^T ([batch, out] x [out, in]).
    this.kernel.grad = ops.matMul(this.engine, x, dz, null, matMulInfo(inputs, batch, units, true, false), 'linear');
    this.bias.grad = ops.biasGrad(this.engine, dz);
    if (!needInputGradient) return null;
    return ops.matMul(this.engine, dz, this.kernel.value, null, matMulInfo(batch, units, inputs, false, true), 'linear');
  }

  override params(): Param[] {
    return [this.kernel, this.bias];
  }

  config(): LayerConfig {
    return { type: 'Dense', units: this.options.units, activation: this.activation };
  }
}
