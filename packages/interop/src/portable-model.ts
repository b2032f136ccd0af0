import {
  decodeModelFile,
  describeArchitecture,
  encodeModelFile,
  MODEL_KIND,
  ModelFileError,
  parseArchitecture,
  weightTensors,
  type ModelArchitecture,
  type ModelFileTensor,
  type ModelMetadata,
  type Sequential,
} from '@lenet-ts/core';

/**
 * A model as plain data: what rebuilds it (its architecture) and its weights, named and ordered as
 * `Sequential.params()` names them. No backend is involved, so exports run anywhere, a page included.
 */
export interface PortableModel {
  readonly architecture: ModelArchitecture;
  /** float32 tensors in `params()` order: `conv2d/kernel` (HWIO), `conv2d/bias`, ..., `dense_2/bias`. */
  readonly weights: readonly ModelFileTensor[];
  readonly metadata: ModelMetadata;
}

/** A trained model's architecture and current weights (read back from its backend). */
export async function portableModelOf(model: Sequential, metadata: ModelMetadata = {}): Promise<PortableModel> {
  return { architecture: describeArchitecture(model), weights: await weightTensors(model), metadata };
}

/**
 * Reads a `.lenet` model file (or a checkpoint) without building it on a backend; `name` (usually its
 * path) names it in errors. The checks are those `decodeModel` makes: architecture, then every weight.
 */
export function readPortableModel(bytes: Uint8Array, name: string): PortableModel {
  const { header, tensors } = decodeModelFile(bytes, name);
  const { architecture, params } = parseArchitecture(header.architecture, name);
  const weights = params.map((param) => {
    const tensor = tensors.get(param.name);
    if (!tensor || tensor.dtype !== 'float32' || tensor.shape.join() !== param.shape.join()) {
      const found = tensor ? `[${tensor.shape.join(', ')}] ${tensor.dtype}` : 'nothing';
      throw new ModelFileError(
        'architecture',
        `${name} holds ${found} for ${param.name}, but its architecture needs [${param.shape.join(', ')}] float32; the file is damaged or was not written by lenet-ts`,
      );
    }
    return tensor;
  });
  const metadata = typeof header.metadata === 'object' && header.metadata !== null ? (header.metadata as ModelMetadata) : {};
  return { architecture, weights, metadata };
}

/** The `.lenet` bytes of a portable model: they load on every backend with `decodeModel`. */
export function encodePortableModel(model: PortableModel): Uint8Array {
  // Re-parsed so a hand-made PortableModel cannot produce a file that `decodeModel` would refuse.
  const { params } = parseArchitecture(model.architecture, 'the model');
  const names = model.weights.map((w) => w.name);
  if (names.join() !== params.map((p) => p.name).join()) {
    throw new Error(`weights [${names.join(', ')}] do not match the architecture's parameters [${params.map((p) => p.name).join(', ')}]`);
  }
  return encodeModelFile({ kind: MODEL_KIND, architecture: model.architecture, metadata: model.metadata }, model.weights);
}
