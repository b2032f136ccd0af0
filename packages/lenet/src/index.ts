export { createLeNet, INPUT_SHAPE, type LeNetOptions } from './lenet.js';
export { d2l, modern, presets, type LeNetPreset } from './presets.js';
export { createOptimizer, defaultLearningRate, KERAS_ADAPTIVE_LEARNING_RATE, type OptimizerSettings } from './optimizer-choice.js';
