export { Activation } from './activation.js';
export { Conv2D, type Conv2DOptions } from './conv2d.js';
export { Dense, type DenseOptions } from './dense.js';
export { Flatten } from './flatten.js';
export { Layer, type BuildContext, type LayerConfig, type Param } from './layer.js';
export { MaxPooling2D, type MaxPooling2DOptions } from './max-pooling2d.js';
