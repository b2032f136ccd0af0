/**
 * The TensorFlow.js layers model format (what `tf.loadLayersModel` reads): a `model.json` whose
 * `modelTopology` is a Keras model config (snake_case keys) and whose `weightsManifest` lists the
 * weight files; the weights are the named tensors concatenated in manifest order, little-endian.
 */
export const TFJS_LAYERS_FORMAT = 'layers-model';
/** The weights file `exportTfjsLayers` writes beside model.json (one shard: a LeNet is 180 KB). */
export const TFJS_WEIGHTS_FILE = 'weights.bin';
/** The key under `userDefinedMetadata` that carries what Keras configs cannot: the loss and the metadata. */
export const LENET_METADATA_KEY = 'lenet-ts';

export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** Present on quantized weights (tensorflowjs_converter --quantize_*), which lenet-ts refuses. */
  readonly quantization?: unknown;
}

export interface TfjsWeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightSpec[];
}

/** A Keras layer config as tfjs serializes it: `{ class_name, config: { name, ... } }`. */
export interface KerasLayerConfig {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

export interface TfjsModelJson {
  readonly format: typeof TFJS_LAYERS_FORMAT;
  readonly generatedBy: string;
  readonly convertedBy: string | null;
  readonly modelTopology: {
    readonly class_name: 'Sequential';
    readonly config: { readonly name: string; readonly layers: readonly KerasLayerConfig[] };
    readonly keras_version: string;
    readonly backend: string;
  };
  readonly weightsManifest: readonly TfjsWeightsGroup[];
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
}

/** What `tf.io.withSaveHandler` hands over (tfjs `ModelArtifacts`), the fields lenet-ts reads. */
export interface TfjsModelArtifacts {
  readonly modelTopology?: unknown;
  readonly weightSpecs?: readonly TfjsWeightSpec[];
  /** One buffer, or the shards in order (tfjs 4.22 `WeightData`). */
  readonly weightData?: ArrayBuffer | readonly ArrayBuffer[] | Uint8Array;
  readonly format?: string;
  readonly generatedBy?: string;
  readonly userDefinedMetadata?: Readonly<Record<string, unknown>>;
}
