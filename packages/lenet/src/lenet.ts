import { Conv2D, Dense, Engine, Flatten, lossByKind, MaxPooling2D, Sequential, type Backend, type OptimizerKind } from '@lenet-ts/core';
import { createOptimizer, defaultLearningRate } from './optimizer-choice.js';
import { d2l, type LeNetPreset } from './presets.js';

export interface LeNetOptions {
  readonly preset?: LeNetPreset;
  /** Seeds the initial weights. */
  readonly seed?: number;
  /** `sgd` (the preset's own, the default), or Adam or RMSprop with Keras defaults and the preset's schedule. */
  readonly optimizer?: OptimizerKind;
  /** Overrides the optimizer's starting rate (default: the preset's SGD rate, or 0.001 for Adam and RMSprop). */
  readonly learningRate?: number;
}

/** Fashion-MNIST / MNIST image shape, channels-last. */
export const INPUT_SHAPE = [28, 28, 1] as const;

/**
 * LeNet-5 as in d2l 5.5, defined once against the Backend interface:
 * Conv(6,5) -> MaxPool(2) -> Conv(16,5) -> MaxPool(2) -> Flatten -> Dense(120) -> Dense(84) -> Dense(10).
 * Returns the model built from `seed` and compiled with the preset's loss and optimizer.
 */
export function createLeNet(backendOrEngine: Backend | Engine, options: LeNetOptions = {}): Sequential {
  const preset = options.preset ?? d2l;
  const engine = backendOrEngine instanceof Engine ? backendOrEngine : new Engine(backendOrEngine);
  const act = preset.activation;
  const init = preset.initializer;
  const model = new Sequential(
    engine,
    [
      new Conv2D({ filters: 6, kernelSize: 5, activation: act, kernelInitializer: init }),
      new MaxPooling2D({ poolSize: 2, strides: 2 }),
      new Conv2D({ filters: 16, kernelSize: 5, activation: act, kernelInitializer: init }),
      new MaxPooling2D({ poolSize: 2, strides: 2 }),
      new Flatten(),
      new Dense({ units: 120, activation: act, kernelInitializer: init }),
      new Dense({ units: 84, activation: act, kernelInitializer: init }),
      new Dense({ units: 10, activation: preset.outputActivation, kernelInitializer: preset.initializer === 'he_uniform' ? 'glorot_uniform' : init }),
    ],
    { inputShape: INPUT_SHAPE, inputScale: preset.inputScale },
  );
  model.build(options.seed ?? 0);
  const kind = options.optimizer ?? 'sgd';
  const learningRate = options.learningRate ?? defaultLearningRate(preset, kind);
  model.compile({
    loss: lossByKind(preset.loss),
    optimizer: createOptimizer(kind, { ...preset.optimizer, learningRate, decay: preset.decay ?? null }),
  });
  return model;
}
