import type { ActivationKind, LossKind } from './backend.js';
import { conv2dInfo, pool2dInfo, ShapeError, type Padding } from './geometry.js';
import { Activation } from './layers/activation.js';
import { Conv2D } from './layers/conv2d.js';
import { Dense } from './layers/dense.js';
import { Flatten } from './layers/flatten.js';
import type { Layer, LayerConfig } from './layers/layer.js';
import { MaxPooling2D } from './layers/max-pooling2d.js';
import { ModelFileError } from './model-file.js';
import type { Sequential } from './sequential.js';

/** What rebuilds a Sequential on any backend: its input, its layers' configs and how outputs become a loss. */
export interface ModelArchitecture {
  /** Per-sample input shape, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  readonly inputScale: number;
  readonly loss: LossKind;
  readonly layers: readonly LayerConfig[];
}

/** A trainable tensor's name and shape, as `Sequential.params()` will name it after `build`. */
export interface ParamShape {
  readonly name: string;
  readonly shape: readonly number[];
}

const ACTIVATIONS: readonly ActivationKind[] = ['linear', 'sigmoid', 'relu'];
const LOSSES: readonly LossKind[] = ['sparse-categorical-crossentropy', 'softmax-cross-entropy'];
const PADDINGS: readonly Padding[] = ['valid', 'same'];
/** Keras base names, used to number layers the way `Sequential.build` does. */
const BASE_NAMES: Readonly<Record<string, string>> = {
  Conv2D: 'conv2d',
  MaxPooling2D: 'max_pooling2d',
  Flatten: 'flatten',
  Dense: 'dense',
  Activation: 'activation',
};
const MAX_DIMENSION = 1 << 20;
/**
 * The most values one sample may have at any layer (LeNet's largest is 28x28x6 = 4704): sizes checked one
 * by one still multiply to activations no memory holds, which would fail deep in a backend instead.
 */
const MAX_SAMPLE_VALUES = 1 << 24;

export function describeArchitecture(model: Sequential): ModelArchitecture {
  const loss = model.compileOptions?.loss.kind;
  if (!loss) throw new Error('model is not compiled; compile it before saving so its loss is known');
  return {
    inputShape: [...model.options.inputShape],
    inputScale: model.inputScale,
    loss,
    layers: model.layers.map((l) => l.config()),
  };
}

/**
 * Checks an architecture read from a file (`name` names it in errors) and returns it typed, with the
 * layers it describes (not built) and the parameters they will have, computed without allocating any.
 */
export function parseArchitecture(value: unknown, name: string): { architecture: ModelArchitecture; layers: Layer[]; params: ParamShape[] } {
  const fail = (problem: string) =>
    new ModelFileError('architecture', `${name} describes a model lenet-ts cannot build: ${problem}; use a model saved by \`lenet train --save\``);
  const { inputShape, inputScale, loss, layers } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (!isShape(inputShape)) throw fail(`input shape ${JSON.stringify(inputShape)} is not 1 to 3 positive sizes`);
  if (typeof inputScale !== 'number' || !Number.isFinite(inputScale) || inputScale <= 0)
    throw fail(`input scale ${JSON.stringify(inputScale)} is not a positive number`);
  if (!LOSSES.includes(loss as LossKind)) throw fail(`unknown loss ${JSON.stringify(loss)}`);
  if (!Array.isArray(layers) || layers.length === 0) throw fail('it has no layers');

  const counts = new Map<string, number>();
  const params: ParamShape[] = [];
  const built: Layer[] = [];
  const tooLarge = (where: string, of: readonly number[]) =>
    of.reduce((a, b) => a * b, 1) > MAX_SAMPLE_VALUES ? fail(`${where} has shape [${of.join(', ')}], more than ${MAX_SAMPLE_VALUES} values per sample`) : null;
  let shape: readonly number[] = inputShape;
  const inputError = tooLarge('its input', shape);
  if (inputError) throw inputError;
  for (const [i, config] of (layers as unknown[]).entries()) {
    const type = (config as { type?: unknown } | null)?.type;
    const base = typeof type === 'string' ? BASE_NAMES[type] : undefined;
    if (!base) throw fail(`layer ${i} has type ${JSON.stringify(type)}, which this version does not know`);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    const layerName = n === 0 ? base : `${base}_${n}`;
    try {
      const step = describeLayer(type as string, config as Record<string, unknown>, shape, layerName);
      built.push(step.layer);
      params.push(...step.params);
      shape = step.outputShape;
      const sizeError = tooLarge(`layer ${i} (${layerName})'s output`, shape);
      if (sizeError) throw sizeError;
    } catch (error) {
      if (error instanceof ModelFileError) throw error;
      if (error instanceof ShapeError || error instanceof LayerConfigError) throw fail(`layer ${i} (${layerName}): ${error.message}`);
      throw error;
    }
  }
  if (shape.length !== 1) throw fail(`its output has shape [${shape.join(', ')}], not one score per class`);
  const architecture: ModelArchitecture = { inputShape, inputScale, loss: loss as LossKind, layers: layers as LayerConfig[] };
  return { architecture, layers: built, params };
}

class LayerConfigError extends Error {}

function describeLayer(
  type: string,
  config: Record<string, unknown>,
  inputShape: readonly number[],
  layerName: string,
): { layer: Layer; params: ParamShape[]; outputShape: readonly number[] } {
  switch (type) {
    case 'Conv2D': {
      const filters = positiveInt(config.filters, 'filters');
      const kernelSize = intPair(config.kernelSize, 'kernelSize');
      const strides = intPair(config.strides, 'strides');
      const padding = oneOf(config.padding, PADDINGS, 'padding');
      const activation = oneOf(config.activation, ACTIVATIONS, 'activation');
      if (inputShape.length !== 3) throw new LayerConfigError(`needs an [height, width, channels] input, gets [${inputShape.join(', ')}]`);
      const filterShape = [kernelSize[0], kernelSize[1], inputShape[2]!, filters];
      const info = conv2dInfo([1, ...inputShape], filterShape, strides, padding);
      return {
        layer: new Conv2D({ filters, kernelSize, strides, padding, activation }),
        params: [
          { name: `${layerName}/kernel`, shape: filterShape },
          { name: `${layerName}/bias`, shape: [filters] },
        ],
        outputShape: info.outShape.slice(1),
      };
    }
    case 'MaxPooling2D': {
      const poolSize = intPair(config.poolSize, 'poolSize');
      const strides = intPair(config.strides, 'strides');
      const padding = oneOf(config.padding, PADDINGS, 'padding');
      if (inputShape.length !== 3) throw new LayerConfigError(`needs an [height, width, channels] input, gets [${inputShape.join(', ')}]`);
      const info = pool2dInfo([1, ...inputShape], poolSize, strides, padding);
      return { layer: new MaxPooling2D({ poolSize, strides, padding }), params: [], outputShape: info.outShape.slice(1) };
    }
    case 'Flatten':
      return { layer: new Flatten(), params: [], outputShape: [inputShape.reduce((a, b) => a * b, 1)] };
    case 'Dense': {
      const units = positiveInt(config.units, 'units');
      const activation = oneOf(config.activation, ACTIVATIONS, 'activation');
      if (inputShape.length !== 1) throw new LayerConfigError(`needs a flat input, gets [${inputShape.join(', ')}]`);
      return {
        layer: new Dense({ units, activation }),
        params: [
          { name: `${layerName}/kernel`, shape: [inputShape[0]!, units] },
          { name: `${layerName}/bias`, shape: [units] },
        ],
        outputShape: [units],
      };
    }
    default: {
      const activation = oneOf(config.activation, ACTIVATIONS, 'activation');
      return { layer: new Activation(activation), params: [], outputShape: inputShape };
    }
  }
}

function isShape(value: unknown): value is number[] {
  return Array.isArray(value) && value.length >= 1 && value.length <= 3 && value.every((d) => Number.isSafeInteger(d) && d > 0 && d <= MAX_DIMENSION);
}

function positiveInt(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > MAX_DIMENSION) {
    throw new LayerConfigError(`${what} ${JSON.stringify(value)} is not a positive integer up to ${MAX_DIMENSION}`);
  }
  return value as number;
}

function intPair(value: unknown, what: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new LayerConfigError(`${what} ${JSON.stringify(value)} is not a pair of sizes`);
  return [positiveInt(value[0], what), positiveInt(value[1], what)];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) throw new LayerConfigError(`unknown ${what} ${JSON.stringify(value)} (known: ${allowed.join(', ')})`);
  return value as T;
}
