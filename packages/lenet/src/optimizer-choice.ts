import { Adam, exponentialDecay, RMSprop, SGD, type Optimizer, type OptimizerKind } from '@lenet-ts/core';
import type { LeNetPreset } from './presets.js';

/** What a run's optimizer is made from: the kind, the initial rate and the preset's schedule and momentum. */
export interface OptimizerSettings {
  readonly learningRate: number;
  /** Keras ExponentialDecay per update step, or null for a constant rate; applies to every kind. */
  readonly decay: { readonly steps: number; readonly rate: number } | null;
  /** SGD only. */
  readonly momentum: number;
  readonly nesterov: boolean;
}

/** Keras' default learning rate of Adam and RMSprop. */
export const KERAS_ADAPTIVE_LEARNING_RATE = 0.001;

/** The rate a run starts from: the preset's SGD rate, or its Adam/RMSprop rate (Keras' 0.001 unless it names one). */
export function defaultLearningRate(preset: LeNetPreset, kind: OptimizerKind): number {
  if (kind === 'sgd') return preset.optimizer.learningRate;
  return preset.adaptiveLearningRates?.[kind] ?? KERAS_ADAPTIVE_LEARNING_RATE;
}

/** SGD (with the preset's momentum), Adam or RMSprop (Keras defaults otherwise), on the given rate and schedule. */
export function createOptimizer(kind: OptimizerKind, settings: OptimizerSettings): Optimizer {
  const { learningRate: rate, decay } = settings;
  const learningRate = decay ? exponentialDecay(rate, decay.steps, decay.rate) : rate;
  if (kind === 'adam') return new Adam({ learningRate });
  if (kind === 'rmsprop') return new RMSprop({ learningRate });
  return new SGD({ learningRate, momentum: settings.momentum, nesterov: settings.nesterov });
}
