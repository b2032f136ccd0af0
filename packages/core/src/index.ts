export * from './backend.js';
export * from './provider.js';
export { Batcher, sliceDataset, type Dataset } from './dataset.js';
export { Engine, type EngineMemory } from './engine.js';
export { HandleError, HandleRegistry, type HandleRegistryOptions } from './handles.js';
export * from './geometry.js';
export { assertElements, primitiveInputs, type InputCheck, type PrimitiveInputs } from './primitive-inputs.js';
export { glorotUniform, heUniform, initialize, type Initializer } from './initializers.js';
export * from './layers/index.js';
export { KERAS_EPSILON, lossByKind, lossInfo, softmaxCrossEntropy, sparseCategoricalCrossentropy, type Loss } from './losses.js';
export * as ops from './ops.js';
export { exponentialDecay, type LearningRateSchedule } from './learning-rate.js';
export { SGD, type SgdOptions } from './optimizers.js';
export { Adam, adamStepSize, type AdamOptions } from './adam.js';
export { RMSprop, type RmspropOptions } from './rmsprop.js';
export { OPTIMIZER_KINDS, type Optimizer, type OptimizerKind, type OptimizerSlots } from './optimizer.js';
export { consoleLines, type LiveBar, type OutputStream } from './output-stream.js';
export { formatEvaluateLine, formatFinalLine, formatLogs, KerasProgbar, type Logs } from './progress.js';
export { Random, type RandomState } from './random.js';
export { Sequential, type CompileOptions, type SequentialOptions } from './sequential.js';
export type { BatchLogs, EvaluateOptions, FitOptions } from './training/fit-options.js';
export { formatModelSummary } from './model-summary.js';
export type { LayerWeight, PredictInput, TrainOnBatchResult } from './sequential.js';
export type { FitState } from './training/fit-state.js';
export type { BatchEndLogs, EpochLogs, EvaluateResult } from './training/logs.js';
export { NonFiniteLossError } from './training/non-finite-loss-error.js';
export { STEPS_PER_READ } from './training/step-readback.js';
export { Tensor } from './tensor.js';
export {
  decodeModelFile,
  encodeModelFile,
  MODEL_FILE_MAGIC,
  MODEL_FILE_MAX_BYTES,
  MODEL_FILE_VERSION,
  ModelFileError,
  type ModelFileContents,
  type ModelFileDtype,
  type ModelFileErrorCode,
  type ModelFileHeader,
  type ModelFileTensor,
} from './model-file.js';
export { describeArchitecture, parseArchitecture, type ModelArchitecture, type ParamShape } from './model-architecture.js';
export {
  decodeModel,
  encodeModel,
  MODEL_KIND,
  modelFromContents,
  weightTensors,
  type DecodeModelOptions,
  type EncodeModelOptions,
  type LoadedModel,
  type ModelMetadata,
} from './serialization.js';
export { sha256, sha256Hex } from './sha256.js';
