import {
  decodeModelFile,
  encodeModel,
  MODEL_FILE_MAX_BYTES,
  OPTIMIZER_KINDS,
  ModelFileError,
  modelFromContents,
  type Engine,
  type EpochLogs,
  type FitState,
  type ModelFileTensor,
  type ModelMetadata,
  type OptimizerKind,
  type Param,
  type RandomState,
  type Sequential,
} from '@lenet-ts/core';
import { createOptimizer } from '@lenet-ts/lenet';
import { readUserFile, writeFileAtomically } from './files.js';

/**
 * A checkpoint is a model file (kind "checkpoint") that also holds what `--resume` needs to continue the
 * run exactly: the optimizer's slots (tensors `optimizer/<slot>/<param>`: SGD's `velocity`, Adam's `m` and `v`,
 * RMSprop's `v`; SGD checkpoints from before Adam have the same names), the training-row order
 * (uint32 tensor `training/order`) and, in the header's `training` field, the run's settings, the
 * optimizer's step count (which drives the learning-rate schedule) and the fit state (epoch, position in
 * it, RNG state, running sums, finished epochs). Any checkpoint also loads as a model for `evaluate` and
 * `predict`.
 */
export const CHECKPOINT_KIND = 'checkpoint';
const SLOTS = 'optimizer/';
const ORDER = 'training/order';

/** The settings a resumed run must keep (the learning rate and epoch count may change). */
export interface RunSettings {
  readonly preset: string;
  readonly seed: number;
  readonly batchSize: number;
  /** Checkpoints written before Adam and RMSprop existed have none: they are SGD. */
  readonly optimizer: OptimizerKind;
  /** The initial rate; with `decay`, Keras ExponentialDecay of it by the optimizer's step count. */
  readonly learningRate: number;
  readonly decay: { readonly steps: number; readonly rate: number } | null;
  /** The preset's SGD momentum and Nesterov switch; saved for every run, used only when the optimizer is SGD. */
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly epochs: number;
  /** --limit, or null for all training rows. */
  readonly limit: number | null;
  readonly validationSplit: number;
  /** Training rows (before the validation split) the order was made for. */
  readonly rows: number;
}

export interface Checkpoint {
  readonly model: Sequential;
  readonly settings: RunSettings;
  readonly state: FitState;
  readonly metadata: ModelMetadata;
}

/** Non-finite weights mean the run diverged: such a checkpoint would only poison a resume. */
export class DivergedWeightsError extends Error {
  override readonly name = 'DivergedWeightsError';
}

export async function encodeCheckpoint(model: Sequential, settings: RunSettings, state: FitState, metadata: ModelMetadata): Promise<Uint8Array> {
  const weights = await model.getWeights();
  const bad = weights.findIndex((w) => w.some((v) => !Number.isFinite(v)));
  if (bad >= 0) throw new DivergedWeightsError(`weights of ${model.params()[bad]!.name} became NaN or infinite`);
  const slots: ModelFileTensor[] = [];
  for (const [slot, values] of model.optimizer.slots()) {
    for (const [param, tensor] of values) {
      slots.push({ name: `${SLOTS}${slot}/${param.name}`, dtype: 'float32', shape: [...param.value.shape], values: await tensor.data() });
    }
  }
  const { order, ...fit } = state;
  return encodeModel(model, {
    kind: CHECKPOINT_KIND,
    metadata,
    fields: { training: { settings, optimizer: { kind: model.optimizer.kind, iterations: model.optimizer.iterations }, state: fit } },
    tensors: [...slots, { name: ORDER, dtype: 'uint32', shape: [order.length], values: order }],
  });
}

export async function writeCheckpoint(path: string, model: Sequential, settings: RunSettings, state: FitState, metadata: ModelMetadata): Promise<void> {
  writeFileAtomically(path, await encodeCheckpoint(model, settings, state, metadata), 'checkpoint');
}

/** Reads a checkpoint and rebuilds its model on `engine`, optimizer state included; `learningRate` overrides the saved one. */
export function readCheckpoint(engine: Engine, path: string, learningRate?: number): Checkpoint {
  const bytes = readUserFile(path, 'checkpoint', MODEL_FILE_MAX_BYTES, 'pass the checkpoint a run wrote with --checkpoint or --save');
  const contents = decodeModelFile(bytes, path);
  if (contents.header.kind !== CHECKPOINT_KIND) {
    throw new ModelFileError(
      'not-a-model',
      `${path} is a ${contents.header.kind} file, not a checkpoint; --resume takes the file a run wrote with --checkpoint (by default <--save>.ckpt)`,
    );
  }
  const training = (contents.header.training ?? {}) as { settings?: unknown; optimizer?: { iterations?: unknown }; state?: unknown };
  const settings = parseSettings(training.settings, path);
  const iterations = training.optimizer?.iterations;
  if (!Number.isSafeInteger(iterations) || (iterations as number) < 0) throw corrupt(path, 'its optimizer step count is missing or invalid');
  const lr = learningRate ?? settings.learningRate;
  const { model, metadata } = modelFromContents(engine, contents, path, { optimizer: createOptimizer(settings.optimizer, { ...settings, learningRate: lr }) });
  model.optimizer.iterations = iterations as number;
  const orderTensor = contents.tensors.get(ORDER);
  if (!orderTensor || orderTensor.dtype !== 'uint32' || orderTensor.values.length !== fittedRows(settings)) {
    throw corrupt(path, 'its training-row order is missing or has the wrong size');
  }
  const state = parseState(training.state, orderTensor.values as Uint32Array, path);
  const slots = new Map<string, Map<Param, Float32Array>>();
  for (const slot of model.optimizer.slots().keys()) {
    const values = new Map<Param, Float32Array>();
    for (const param of model.params()) {
      const tensor = contents.tensors.get(`${SLOTS}${slot}/${param.name}`);
      if (!tensor) continue;
      if (tensor.dtype !== 'float32' || tensor.values.length !== param.value.size)
        throw corrupt(path, `its optimizer ${slot} for ${param.name} has the wrong size`);
      values.set(param, tensor.values as Float32Array);
    }
    slots.set(slot, values);
  }
  model.optimizer.setSlots(engine, slots);
  return { model, settings: { ...settings, learningRate: lr }, state, metadata };
}

/** Rows fit trains on: what is left after Keras' validation split (taken from the end). */
export function fittedRows(settings: Pick<RunSettings, 'rows' | 'validationSplit'>): number {
  return settings.validationSplit > 0 ? Math.floor(settings.rows * (1 - settings.validationSplit)) : settings.rows;
}

function corrupt(path: string, problem: string): ModelFileError {
  return new ModelFileError('corrupt', `${path} is not a usable checkpoint: ${problem}; resume from another checkpoint or start the run again`);
}

function parseSettings(value: unknown, path: string): RunSettings {
  const given = (value ?? {}) as Record<string, unknown>;
  // Checkpoints from before --optimizer are SGD runs.
  const s: Record<string, unknown> = { optimizer: 'sgd', ...given };
  const int = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;
  const ok =
    typeof s.preset === 'string' &&
    int(s.seed, 0) &&
    int(s.batchSize, 1) &&
    OPTIMIZER_KINDS.includes(s.optimizer as OptimizerKind) &&
    typeof s.learningRate === 'number' &&
    s.learningRate > 0 &&
    Number.isFinite(s.learningRate) &&
    (s.decay === null || isDecay(s.decay)) &&
    typeof s.momentum === 'number' &&
    s.momentum >= 0 &&
    s.momentum < 1 &&
    typeof s.nesterov === 'boolean' &&
    int(s.epochs, 1) &&
    (s.limit === null || int(s.limit, 1)) &&
    typeof s.validationSplit === 'number' &&
    s.validationSplit >= 0 &&
    s.validationSplit < 1 &&
    int(s.rows, 1);
  if (!ok) throw corrupt(path, 'its run settings are missing or invalid');
  return s as unknown as RunSettings;
}

function isDecay(value: unknown): boolean {
  const { steps, rate } = (value ?? {}) as { steps?: unknown; rate?: unknown };
  return typeof steps === 'number' && steps > 0 && typeof rate === 'number' && rate > 0 && rate <= 1;
}

function parseState(value: unknown, order: Uint32Array, path: string): FitState {
  const s = (value ?? {}) as Record<string, unknown>;
  const random = s.random as RandomState;
  const ok =
    Number.isSafeInteger(s.epoch) &&
    (s.epoch as number) >= 1 &&
    Number.isSafeInteger(s.offset) &&
    (s.offset as number) >= 0 &&
    (s.offset as number) <= order.length &&
    Array.isArray(random) &&
    random.length === 4 &&
    random.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
    typeof s.lossSum === 'number' &&
    Number.isFinite(s.lossSum) &&
    typeof s.correctSum === 'number' &&
    Number.isFinite(s.correctSum) &&
    Array.isArray(s.history) &&
    s.history.every((h: EpochLogs) => typeof h === 'object' && h !== null && typeof h.loss === 'number' && typeof h.epoch === 'number') &&
    order.every((row) => row < order.length);
  if (!ok) throw corrupt(path, 'its training state is missing or invalid');
  return {
    epoch: s.epoch as number,
    offset: s.offset as number,
    order,
    random,
    lossSum: s.lossSum as number,
    correctSum: s.correctSum as number,
    history: s.history as EpochLogs[],
  };
}
