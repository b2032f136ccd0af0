import type { Engine } from './engine.js';
import { lossByKind } from './losses.js';
import { describeArchitecture, parseArchitecture, type ModelArchitecture } from './model-architecture.js';
import { decodeModelFile, encodeModelFile, ModelFileError, type ModelFileContents, type ModelFileTensor } from './model-file.js';
import type { Optimizer } from './optimizer.js';
import { SGD, type SgdOptions } from './optimizers.js';
import { Sequential } from './sequential.js';

/**
 * A saved model is a model file (see model-file.ts) whose header holds
 * `{ kind: "model", architecture, metadata }` and whose tensors are the weights, named as
 * `Sequential.params()` names them (`conv2d/kernel`, `conv2d/bias`, `conv2d_1/kernel`, ...).
 * Other kinds (checkpoints) add header fields and tensors; any of them loads as a model.
 */
export const MODEL_KIND = 'model';

/** Free-form facts about how a model came to be (backend, preset, epochs, test accuracy, ...). */
export type ModelMetadata = Readonly<Record<string, unknown>>;

export interface EncodeModelOptions {
  readonly kind?: string;
  readonly metadata?: ModelMetadata;
  /** More header fields (e.g. a checkpoint's training state). */
  readonly fields?: Readonly<Record<string, unknown>>;
  /** More tensors (e.g. optimizer state); their names must not clash with the weights'. */
  readonly tensors?: readonly ModelFileTensor[];
}

/** The model's weights as named tensors, in `params()` order. */
export async function weightTensors(model: Sequential): Promise<ModelFileTensor[]> {
  const values = await model.getWeights();
  return model.params().map((p, i) => ({ name: p.name, dtype: 'float32', shape: [...p.value.shape], values: values[i]! }));
}

/** Serializes architecture, weights and metadata; the bytes load on any backend. */
export async function encodeModel(model: Sequential, options: EncodeModelOptions = {}): Promise<Uint8Array> {
  const header = {
    ...options.fields,
    kind: options.kind ?? MODEL_KIND,
    architecture: describeArchitecture(model),
    metadata: options.metadata ?? {},
  };
  return encodeModelFile(header, [...(await weightTensors(model)), ...(options.tensors ?? [])]);
}

export interface LoadedModel {
  readonly model: Sequential;
  readonly architecture: ModelArchitecture;
  readonly metadata: ModelMetadata;
  /** The whole file, for kinds that carry more than a model. */
  readonly contents: ModelFileContents;
}

export interface DecodeModelOptions {
  /** Kinds accepted; default any. */
  readonly kinds?: readonly string[];
  /** The optimizer to compile with (only matters for further training): SGD options or any Optimizer; default plain SGD. */
  readonly optimizer?: SgdOptions | Optimizer;
}

/** Reads a model file (`name` names it in errors), rebuilds the model on `engine` and loads its weights. */
export function decodeModel(engine: Engine, bytes: Uint8Array, name: string, options: DecodeModelOptions = {}): LoadedModel {
  return modelFromContents(engine, decodeModelFile(bytes, name), name, options);
}

export function modelFromContents(engine: Engine, contents: ModelFileContents, name: string, options: DecodeModelOptions = {}): LoadedModel {
  const { header, tensors } = contents;
  if (options.kinds && !options.kinds.includes(header.kind)) {
    throw new ModelFileError(
      'not-a-model',
      `${name} is a ${header.kind} file, not a ${options.kinds.join(' or ')} file; pass a file written by \`lenet train --save\``,
    );
  }
  const { architecture, layers, params } = parseArchitecture(header.architecture, name);
  for (const param of params) {
    const tensor = tensors.get(param.name);
    if (!tensor || tensor.dtype !== 'float32' || tensor.shape.join() !== param.shape.join()) {
      const found = tensor ? `[${tensor.shape.join(', ')}] ${tensor.dtype}` : 'nothing';
      throw new ModelFileError(
        'architecture',
        `${name} holds ${found} for ${param.name}, but its architecture needs [${param.shape.join(', ')}] float32; the file is damaged or was not written by lenet-ts`,
      );
    }
  }
  for (const param of params) {
    const values = tensors.get(param.name)!.values;
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ModelFileError(
        'corrupt',
        `${name} holds ${values[bad]} in ${param.name} (value ${bad}): the run that wrote it diverged, and it would only predict NaN; use a model or checkpoint saved before the divergence, or train again with a lower learning rate`,
      );
    }
  }
  const model = new Sequential(engine, layers, { inputShape: architecture.inputShape, inputScale: architecture.inputScale }).build(0);
  const built = model.params();
  if (built.map((p) => p.name).join() !== params.map((p) => p.name).join()) {
    throw new Error(`rebuilt parameters [${built.map((p) => p.name).join(', ')}] differ from the expected [${params.map((p) => p.name).join(', ')}]`);
  }
  model.setWeights(built.map((p) => tensors.get(p.name)!.values as Float32Array));
  model.compile({ loss: lossByKind(architecture.loss), optimizer: isOptimizer(options.optimizer) ? options.optimizer : new SGD(options.optimizer) });
  const metadata = typeof header.metadata === 'object' && header.metadata !== null ? (header.metadata as ModelMetadata) : {};
  return { model, architecture, metadata, contents };
}

function isOptimizer(value: SgdOptions | Optimizer | undefined): value is Optimizer {
  return value !== undefined && 'apply' in value;
}
