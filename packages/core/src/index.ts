export * from './backend.js';
export { Batcher, sliceDataset, type Dataset } from './dataset.js';
export { Engine, type EngineMemory } from './engine.js';
export * from './geometry.js';
export { glorotUniform, heUniform, initialize, type Initializer } from './initializers.js';
export * from './layers/index.js';
export { KERAS_EPSILON, lossByKind, lossInfo, softmaxCrossEntropy, sparseCategoricalCrossentropy, type Loss } from './losses.js';
export * as ops from './ops.js';
export { SGD, type SgdOptions } from './optimizers.js';
export { formatEvaluateLine, formatFinalLine, formatLogs, KerasProgbar, type Logs, type OutputStream } from './progress.js';
export { Random, type RandomState } from './random.js';
export {
  NonFiniteLossError,
  Sequential,
  type CompileOptions,
  type EpochLogs,
  type EvaluateResult,
  type FitOptions,
  type SequentialOptions,
} from './sequential.js';
export { Tensor } from './tensor.js';
