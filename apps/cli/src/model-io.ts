import {
  decodeModel,
  encodeModel,
  MODEL_FILE_MAX_BYTES,
  ModelFileError,
  type Engine,
  type LoadedModel,
  type ModelMetadata,
  type Sequential,
} from '@lenet-ts/core';
import { FASHION_MNIST_CLASS_NAMES } from '@lenet-ts/core/data';
import { readUserFile, writeFileAtomically } from './files.js';

/** What every model this CLI loads must take and give: Fashion-MNIST's 28x28x1 images and 10 classes. */
const INPUT_SHAPE = [28, 28, 1];
const CLASSES = FASHION_MNIST_CLASS_NAMES.length;

export async function saveModel(path: string, model: Sequential, metadata: ModelMetadata): Promise<void> {
  writeFileAtomically(path, await encodeModel(model, { metadata }), 'model');
}

/** Loads a model (or a checkpoint) saved by `train`, checking that it classifies Fashion-MNIST images. */
export function loadModel(engine: Engine, path: string): LoadedModel {
  const bytes = readUserFile(path, 'model file', MODEL_FILE_MAX_BYTES, 'pass a file written by `lenet train --save`');
  const loaded = decodeModel(engine, bytes, path);
  const { inputShape } = loaded.architecture;
  const classes = loaded.model.outputShape[0];
  if (inputShape.join() !== INPUT_SHAPE.join() || classes !== CLASSES) {
    loaded.model.dispose();
    throw new ModelFileError(
      'architecture',
      `${path} is a model of another architecture: it takes [${inputShape.join(', ')}] inputs and gives ${classes} classes, Fashion-MNIST needs [28, 28, 1] and 10; pass a model trained by \`lenet train --save\``,
    );
  }
  return loaded;
}

/** Class names saved with the model, else Fashion-MNIST's. */
export function classNamesOf(metadata: ModelMetadata): readonly string[] {
  const names = metadata.classNames;
  return Array.isArray(names) && names.length === CLASSES && names.every((n) => typeof n === 'string') ? names : FASHION_MNIST_CLASS_NAMES;
}
