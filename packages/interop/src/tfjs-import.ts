import {
  ModelFileError,
  parseArchitecture,
  type ActivationKind,
  type LayerConfig,
  type LossKind,
  type ModelFileTensor,
  type ModelMetadata,
} from '@lenet-ts/core';
import { layerNames } from './layer-names.js';
import type { PortableModel } from './portable-model.js';
import { LENET_METADATA_KEY, TFJS_LAYERS_FORMAT, type TfjsModelArtifacts, type TfjsWeightSpec } from './tfjs-layers-format.js';
import { IMPORTABLE, UnsupportedModelError } from './unsupported-model-error.js';

type Config = Readonly<Record<string, unknown>>;

const ACTIVATIONS: readonly ActivationKind[] = ['linear', 'relu', 'sigmoid'];
const LOSSES: readonly LossKind[] = ['sparse-categorical-crossentropy', 'softmax-cross-entropy'];
/** Config keys that do not change what the layer computes once its weights are given. */
const INERT = ['name', 'trainable', 'dtype', 'batch_input_shape', 'batch_shape', 'input_dtype', 'kernel_initializer', 'bias_initializer'];
/** Keys that must be null: they would change training here without showing in the forward pass. */
const REGULARIZERS = ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  InputLayer: ['sparse', 'ragged'],
  Rescaling: ['scale', 'offset'],
  Conv2D: ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias', ...REGULARIZERS],
  MaxPooling2D: ['pool_size', 'strides', 'padding', 'data_format'],
  Flatten: ['data_format'],
  Dense: ['units', 'activation', 'use_bias', ...REGULARIZERS],
  Activation: ['activation'],
};

/**
 * A tfjs layers Sequential as a lenet-ts model, from what `tf.io.withSaveHandler` (or any tfjs IOHandler)
 * hands over: Rescaling (first only, no offset), Conv2D, MaxPooling2D, Flatten, Dense and Activation,
 * channels-last, float32 weights. A softmax on the last layer becomes the softmax cross-entropy loss
 * (so `predict` gives the same probabilities); any other layer or setting throws an
 * UnsupportedModelError naming it. `name` (usually the model.json path) names the model in errors.
 */
export function importTfjsArtifacts(artifacts: TfjsModelArtifacts, name: string): PortableModel {
  const refuse = (problem: string) => new UnsupportedModelError(`cannot import ${name}: ${problem}`);
  if (artifacts.format !== undefined && artifacts.format !== TFJS_LAYERS_FORMAT) {
    throw refuse(
      `its format is ${JSON.stringify(artifacts.format)}, not a tfjs layers model ("${TFJS_LAYERS_FORMAT}"); graph models cannot be imported, ${IMPORTABLE}`,
    );
  }
  const topology = unwrapTopology(artifacts.modelTopology);
  const className = topology?.class_name;
  if (className !== 'Sequential')
    throw refuse(`it is a ${typeof className === 'string' ? className : 'model without a class_name'}, not a Sequential; ${IMPORTABLE}`);
  const config = topology!.config;
  const kerasLayers: unknown = Array.isArray(config) ? config : (config as Config | undefined)?.layers;
  if (!Array.isArray(kerasLayers) || kerasLayers.length === 0) throw refuse('its Sequential has no layers');

  let inputShape: number[] | null = null;
  let inputScale = 1;
  let finalSoftmax = false;
  const layers: LayerConfig[] = [];
  const sources: string[] = [];
  for (const [i, entry] of (kerasLayers as unknown[]).entries()) {
    const layerClass = (entry as { class_name?: unknown } | null)?.class_name;
    const layerConfig = ((entry as { config?: unknown } | null)?.config ?? {}) as Config;
    const layerName = typeof layerConfig.name === 'string' ? layerConfig.name : `layer ${i}`;
    const at = (problem: string) => refuse(`layer ${i} "${layerName}" (${String(layerClass)}) ${problem}`);
    const last = i === kerasLayers.length - 1;
    const known = typeof layerClass === 'string' ? KNOWN_KEYS[layerClass] : undefined;
    if (!known) throw at(`is not a layer lenet-ts has; ${IMPORTABLE}`);
    for (const key of Object.keys(layerConfig)) {
      if (!INERT.includes(key) && !known.includes(key)) throw at(`has the setting ${key}, which lenet-ts does not support; ${IMPORTABLE}`);
    }
    if (layerConfig.trainable === false) throw at('is frozen (trainable: false), which lenet-ts does not support; unfreeze it before saving');
    if (!isFloat32(layerConfig.dtype)) throw at(`has dtype ${JSON.stringify(layerConfig.dtype)}; lenet-ts computes in float32`);
    for (const key of REGULARIZERS) if (layerConfig[key] != null) throw at(`has a ${key}, which lenet-ts does not support; remove it before saving`);
    if (layerConfig.data_format != null && layerConfig.data_format !== 'channels_last')
      throw at(`has data_format ${JSON.stringify(layerConfig.data_format)}; lenet-ts is channels-last`);
    if (layerConfig.use_bias === false) throw at('has no bias (use_bias: false); lenet-ts layers always have one');

    const declared = layerConfig.batch_input_shape ?? layerConfig.batch_shape;
    if (declared !== undefined && inputShape === null && layers.length === 0) inputShape = batchShape(declared, at);
    if (inputShape === null && layerClass !== 'InputLayer' && layerClass !== 'Rescaling' && declared === undefined) {
      throw at('comes first but declares no input shape (batch_input_shape); build the model with an inputShape before saving');
    }

    const activation = () => {
      const value = layerConfig.activation ?? 'linear';
      if (value === 'softmax' && last) {
        finalSoftmax = true;
        return 'linear';
      }
      if (!ACTIVATIONS.includes(value as ActivationKind)) {
        throw at(`has activation ${JSON.stringify(value)}; lenet-ts has ${ACTIVATIONS.join(', ')} (and softmax on the last layer)`);
      }
      return value as ActivationKind;
    };
    switch (layerClass) {
      case 'InputLayer':
        if (i !== 0) throw at('is an InputLayer after the first layer');
        if (layerConfig.sparse === true || layerConfig.ragged === true) throw at('takes sparse or ragged inputs; lenet-ts takes dense float32 images');
        break;
      case 'Rescaling': {
        if (layers.length > 0 || inputScale !== 1)
          throw at('rescales in the middle of the model; lenet-ts scales the inputs only, so Rescaling must come first');
        const { scale, offset } = layerConfig;
        if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale))
          throw at(`has scale ${JSON.stringify(scale)}; lenet-ts needs one positive number`);
        if (offset !== undefined && offset !== 0) throw at(`has offset ${JSON.stringify(offset)}; lenet-ts inputs are only scaled, offset must be 0`);
        inputScale = scale;
        break;
      }
      case 'Conv2D': {
        if (![undefined, 1].includes(layerConfig.groups as number))
          throw at(`has groups ${JSON.stringify(layerConfig.groups)}; lenet-ts convolutions are not grouped`);
        const dilation = layerConfig.dilation_rate === undefined ? [1, 1] : pair(layerConfig.dilation_rate, 'dilation_rate', at);
        if (dilation.some((d) => d !== 1)) throw at(`has dilation_rate [${dilation.join(', ')}]; lenet-ts convolutions are not dilated`);
        layers.push({
          type: 'Conv2D',
          filters: layerConfig.filters,
          kernelSize: pair(layerConfig.kernel_size, 'kernel_size', at),
          strides: layerConfig.strides === undefined ? [1, 1] : pair(layerConfig.strides, 'strides', at),
          padding: padding(layerConfig.padding, at),
          activation: activation(),
        });
        sources.push(layerName);
        break;
      }
      case 'MaxPooling2D': {
        const poolSize = layerConfig.pool_size === undefined ? [2, 2] : pair(layerConfig.pool_size, 'pool_size', at);
        const strides = layerConfig.strides == null ? poolSize : pair(layerConfig.strides, 'strides', at);
        layers.push({ type: 'MaxPooling2D', poolSize, strides, padding: padding(layerConfig.padding, at) });
        sources.push(layerName);
        break;
      }
      case 'Flatten':
        layers.push({ type: 'Flatten' });
        sources.push(layerName);
        break;
      case 'Dense':
        layers.push({ type: 'Dense', units: layerConfig.units, activation: activation() });
        sources.push(layerName);
        break;
      case 'Activation': {
        const kind = activation();
        // A last Activation('softmax') becomes the loss; an Activation('linear') computes nothing.
        if (kind !== 'linear') {
          layers.push({ type: 'Activation', activation: kind });
          sources.push(layerName);
        }
        break;
      }
    }
  }
  if (inputShape === null) throw refuse('it declares no input shape (batch_input_shape on its first layer); build the model with an inputShape before saving');

  const lastActivation = [...layers].reverse().find((l) => l.type === 'Dense' || l.type === 'Conv2D' || l.type === 'Activation')?.activation;
  const savedLoss = (artifacts.userDefinedMetadata?.[LENET_METADATA_KEY] as { loss?: unknown } | undefined)?.loss;
  // Softmax outputs are softmax-CE logits; sigmoid scores are what the d2l loss normalises; other outputs are logits.
  const loss: LossKind = finalSoftmax
    ? 'softmax-cross-entropy'
    : LOSSES.includes(savedLoss as LossKind)
      ? (savedLoss as LossKind)
      : lastActivation === 'sigmoid'
        ? 'sparse-categorical-crossentropy'
        : 'softmax-cross-entropy';
  const architecture = { inputShape, inputScale, loss, layers };
  let params;
  try {
    ({ params } = parseArchitecture(architecture, name));
  } catch (error) {
    if (error instanceof ModelFileError) throw new UnsupportedModelError(error.message.replace(/; use a model saved by .*$/, `; ${IMPORTABLE}`));
    throw error;
  }

  const weights = readWeights(artifacts, refuse);
  const names = layerNames(layers);
  const sourceOf = new Map(names.map((n, i) => [n, sources[i]!]));
  const tensors: ModelFileTensor[] = params.map((param) => {
    const [ours, kind] = param.name.split('/') as [string, string];
    const source = sourceOf.get(ours)!;
    const wanted = `${source}/${kind}`;
    const matches = [...weights.keys()].filter((w) => w === wanted || w.endsWith(`/${wanted}`));
    if (matches.length !== 1) {
      throw refuse(
        `its weights have ${matches.length === 0 ? 'no' : `${matches.length}`} tensors named ${wanted} (layer "${source}" needs its ${kind}); save the model again with its weights`,
      );
    }
    const found = weights.get(matches[0]!)!;
    if (found.shape.join() !== param.shape.join()) {
      throw refuse(`its weight ${matches[0]} has shape [${found.shape.join(', ')}], layer "${source}" needs [${param.shape.join(', ')}]`);
    }
    return { name: param.name, dtype: 'float32', shape: param.shape, values: found.values };
  });
  const metadata: ModelMetadata = {
    ...((artifacts.userDefinedMetadata?.[LENET_METADATA_KEY] as { metadata?: ModelMetadata } | undefined)?.metadata ?? {}),
    importedFrom: { format: 'tfjs layers model', generatedBy: artifacts.generatedBy ?? null, keras: (topology as Config).keras_version ?? null },
  };
  return { architecture, weights: tensors, metadata };
}

/**
 * Imports a tfjs layers `model.json` (already parsed): `readWeightFile` returns the bytes of each path
 * its weightsManifest lists, relative to the model.json, in order (e.g. `weights.bin`, or the shards
 * `group1-shard1of2.bin`, ... that tensorflowjs_converter writes).
 */
export function importTfjsModelJson(modelJson: unknown, readWeightFile: (path: string) => Uint8Array, name: string): PortableModel {
  const json = (typeof modelJson === 'object' && modelJson !== null ? modelJson : {}) as Config;
  const manifest = json.weightsManifest;
  if (json.modelTopology === undefined)
    throw new UnsupportedModelError(
      `cannot import ${name}: it has no modelTopology, so it is not a tfjs layers model.json; pass the model.json that model.save wrote`,
    );
  if (!Array.isArray(manifest))
    throw new UnsupportedModelError(
      `cannot import ${name}: it has no weightsManifest; pass the model.json that model.save wrote, with its weight files beside it`,
    );
  const weightSpecs: TfjsWeightSpec[] = [];
  const shards: Uint8Array[] = [];
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights))
      throw new UnsupportedModelError(`cannot import ${name}: its weightsManifest is malformed (a group without paths or weights)`);
    weightSpecs.push(...(group.weights as TfjsWeightSpec[]));
    for (const path of group.paths as unknown[]) {
      if (typeof path !== 'string') throw new UnsupportedModelError(`cannot import ${name}: its weightsManifest lists a path that is not a string`);
      shards.push(readWeightFile(path));
    }
  }
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.length;
  }
  return importTfjsArtifacts(
    {
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData,
      format: typeof json.format === 'string' ? json.format : undefined,
      generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
      userDefinedMetadata: json.userDefinedMetadata as Config | undefined,
    },
    name,
  );
}

/** Keras h5-style topologies wrap the model in `model_config`; tfjs-layers accepts both. */
function unwrapTopology(topology: unknown): { class_name?: unknown; config?: unknown } | null {
  if (typeof topology !== 'object' || topology === null) return null;
  const inner = (topology as { model_config?: unknown }).model_config;
  return typeof inner === 'object' && inner !== null ? inner : topology;
}

function readWeights(artifacts: TfjsModelArtifacts, refuse: (problem: string) => Error): Map<string, { shape: readonly number[]; values: Float32Array }> {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData;
  const buffers: Uint8Array[] =
    data === undefined
      ? []
      : data instanceof Uint8Array
        ? [data]
        : Array.isArray(data)
          ? data.map((b: ArrayBuffer) => new Uint8Array(b))
          : [new Uint8Array(data as ArrayBuffer)];
  const bytes = buffers.length === 1 ? buffers[0]! : concat(buffers);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const weights = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization !== undefined) throw refuse(`its weight ${spec.name} is quantized; convert it again without quantization (float32 weights)`);
    if (spec.dtype !== 'float32') throw refuse(`its weight ${spec.name} is ${spec.dtype}; lenet-ts weights are float32`);
    if (!Array.isArray(spec.shape) || !spec.shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0))
      throw refuse(`its weight ${spec.name} has an invalid shape`);
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * size > bytes.length)
      throw refuse(`its weight files hold ${bytes.length} bytes, fewer than the weightsManifest describes; copy the weight files again`);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++, offset += 4) values[i] = view.getFloat32(offset, true);
    weights.set(spec.name, { shape: spec.shape, values });
  }
  if (offset !== bytes.length)
    throw refuse(`its weight files hold ${bytes.length} bytes, the weightsManifest describes ${offset}; copy the weight files again`);
  return weights;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function isFloat32(dtype: unknown): boolean {
  if (dtype === undefined || dtype === null || dtype === 'float32') return true;
  // Keras 3 writes a DTypePolicy object.
  return (dtype as { config?: { name?: unknown } }).config?.name === 'float32';
}

function batchShape(value: unknown, at: (problem: string) => Error): number[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > 4 || value[0] !== null || !value.slice(1).every((d) => Number.isSafeInteger(d) && d > 0)) {
    throw at(`declares the input shape ${JSON.stringify(value)}; lenet-ts needs [null, ...] with 1 to 3 fixed sizes`);
  }
  return value.slice(1) as number[];
}

function pair(value: unknown, what: string, at: (problem: string) => Error): [number, number] {
  if (Number.isSafeInteger(value)) return [value as number, value as number];
  if (Array.isArray(value) && value.length === 2 && value.every((v): v is number => Number.isSafeInteger(v) && v > 0)) return [value[0]!, value[1]!];
  throw at(`has ${what} ${JSON.stringify(value)}; lenet-ts needs a size or a pair of sizes`);
}

function padding(value: unknown, at: (problem: string) => Error): 'valid' | 'same' {
  const padding = value ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') throw at(`has padding ${JSON.stringify(value)}; lenet-ts pads "valid" or "same"`);
  return padding;
}
