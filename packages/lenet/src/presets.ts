import type { ActivationKind, Initializer, LossKind } from '@lenet-ts/core';

/** Everything that defines a training recipe, so the CLI and tests share one definition. */
export interface LeNetPreset {
  readonly name: string;
  readonly description: string;
  /** Activation of every hidden layer. */
  readonly activation: ActivationKind;
  /** Activation of the 10-unit output layer. */
  readonly outputActivation: ActivationKind;
  readonly initializer: Initializer;
  readonly loss: LossKind;
  readonly inputScale: number;
  /** The recipe's optimizer, SGD. */
  readonly optimizer: { readonly learningRate: number; readonly momentum: number; readonly nesterov: boolean };
  /** Starting rates when Adam or RMSprop replace SGD (`--optimizer`); Keras' 0.001 for a kind left out. */
  readonly adaptiveLearningRates?: { readonly adam?: number; readonly rmsprop?: number };
  /** Keras ExponentialDecay of the learning rate per update step; none = constant. */
  readonly decay?: { readonly steps: number; readonly rate: number };
  readonly batchSize: number;
  readonly epochs: number;
  readonly validationSplit: number;
}

/**
 * The d2l chapter 5.5 run (TF 2.0 Keras): sigmoid everywhere, raw 0..255 pixels, sparse categorical
 * cross-entropy applied to sigmoid outputs, SGD lr 0.9, batch 32, 5 epochs, last 10% held out.
 */
export const d2l: LeNetPreset = {
  name: 'd2l',
  description: 'the d2l TF2 seed recipe: sigmoid LeNet, raw pixels, SGD lr 0.9, 5 epochs',
  activation: 'sigmoid',
  outputActivation: 'sigmoid',
  initializer: 'glorot_uniform',
  loss: 'sparse-categorical-crossentropy',
  inputScale: 1,
  optimizer: { learningRate: 0.9, momentum: 0, nesterov: false },
  batchSize: 32,
  epochs: 5,
  validationSplit: 0.1,
};

/**
 * The same topology trained the way one would today: ReLU, He init, [0,1] inputs, softmax CE, Nesterov
 * momentum, and the rate decayed by 0.75 per epoch-length (844 steps = 54000/64) so late epochs settle.
 */
export const modern: LeNetPreset = {
  name: 'modern',
  description: 'ReLU LeNet, inputs in [0,1], softmax cross-entropy, SGD with Nesterov momentum and exponential decay',
  activation: 'relu',
  outputActivation: 'linear',
  initializer: 'he_uniform',
  loss: 'softmax-cross-entropy',
  inputScale: 1 / 255,
  optimizer: { learningRate: 0.05, momentum: 0.9, nesterov: true },
  decay: { steps: 844, rate: 0.75 },
  batchSize: 64,
  epochs: 12,
  validationSplit: 0.1,
};

export const presets: Readonly<Record<string, LeNetPreset>> = { d2l, modern };
