export { createLeNet, INPUT_SHAPE, type LeNetOptions } from './lenet.js';
export { d2l, modern, presets, type LeNetPreset } from './presets.js';
