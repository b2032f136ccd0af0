import { parseArchitecture, type LayerConfig } from '@lenet-ts/core';
import { layerNames } from './layer-names.js';
import type { PortableModel } from './portable-model.js';
import {
  LENET_METADATA_KEY,
  TFJS_LAYERS_FORMAT,
  TFJS_WEIGHTS_FILE,
  type KerasLayerConfig,
  type TfjsModelJson,
  type TfjsWeightSpec,
} from './tfjs-layers-format.js';

/** A tfjs layers model: write `modelJson` as model.json and `weightsBin` as weights.bin beside it. */
export interface TfjsLayersModel {
  readonly modelJson: TfjsModelJson;
  readonly weightsBin: Uint8Array;
}

/**
 * The model as a tfjs layers Sequential that `tf.loadLayersModel` loads (tfjs-layers 4.x). It takes raw
 * pixels, as `lenet predict` does: an input scale other than 1 becomes a leading `Rescaling` layer. Its
 * outputs are the model's own outputs (sigmoid scores for the d2l preset, logits for the modern one),
 * before the probability normalisation `predict` applies.
 */
export function exportTfjsLayers(model: PortableModel): TfjsLayersModel {
  const { architecture, weights } = model;
  const { params } = parseArchitecture(architecture, 'the model');
  if (weights.map((w) => w.name).join() !== params.map((p) => p.name).join())
    throw new Error('the weights do not match the architecture; read the model with readPortableModel');
  const batchInputShape = [null, ...architecture.inputShape];
  const layers: KerasLayerConfig[] = [];
  if (architecture.inputScale !== 1) {
    layers.push(keras('Rescaling', 'rescaling', { scale: architecture.inputScale, offset: 0, batch_input_shape: batchInputShape }));
  }
  // The names `Sequential.build` gives, so the weights' names are the .lenet tensor names exactly.
  const names = layerNames(architecture.layers);
  for (const [i, config] of architecture.layers.entries()) {
    const layer = kerasLayer(config, names[i]!);
    layers.push(layers.length === 0 ? { ...layer, config: { ...layer.config, batch_input_shape: batchInputShape } } : layer);
  }
  const specs: TfjsWeightSpec[] = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' }));
  return {
    modelJson: {
      format: TFJS_LAYERS_FORMAT,
      generatedBy: 'lenet-ts',
      convertedBy: null,
      modelTopology: { class_name: 'Sequential', config: { name: 'lenet', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
      weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: specs }],
      userDefinedMetadata: { [LENET_METADATA_KEY]: { loss: architecture.loss, metadata: model.metadata } },
    },
    weightsBin: float32LittleEndian(weights.map((w) => w.values as Float32Array)),
  };
}

function keras(className: string, name: string, options: Record<string, unknown>): KerasLayerConfig {
  return { class_name: className, config: { name, trainable: true, dtype: 'float32', ...options } };
}

function kerasLayer(config: LayerConfig, name: string): KerasLayerConfig {
  switch (config.type) {
    case 'Conv2D':
      return keras('Conv2D', name, {
        filters: config.filters,
        kernel_size: config.kernelSize,
        strides: config.strides,
        padding: config.padding,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: config.activation,
        use_bias: true,
      });
    case 'MaxPooling2D':
      return keras('MaxPooling2D', name, { pool_size: config.poolSize, strides: config.strides, padding: config.padding, data_format: 'channels_last' });
    case 'Flatten':
      return keras('Flatten', name, { data_format: 'channels_last' });
    case 'Dense':
      return keras('Dense', name, { units: config.units, activation: config.activation, use_bias: true });
    case 'Activation':
      return keras('Activation', name, { activation: config.activation });
    default:
      throw new Error(`layer type ${config.type} has no tfjs layers equivalent here`);
  }
}

/** Concatenates float32 arrays as little-endian bytes, whatever the host's byte order. */
export function float32LittleEndian(arrays: readonly Float32Array[]): Uint8Array {
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + 4 * a.length, 0));
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const values of arrays) for (let i = 0; i < values.length; i++, offset += 4) view.setFloat32(offset, values[i]!, true);
  return bytes;
}
