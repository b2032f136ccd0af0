import type { LenetWeights } from './lenet-step.js';
import { LENET_CLASSES, LENET_PARAMETERS, LENET_PARAMETER_SHAPES } from './lenet-step.js';
import { sizeOf } from '../geometry.js';

/**
 * The external reference: one LeNet training step computed by tfjs-layers 4.22 (tfjs-backend-cpu, float32),
 * an implementation no one on this project wrote. Images are rows 0..31 of the Fashion-MNIST train file.
 */
export const LENET_FIXTURE_FILE = 'lenet-step-tfjs-layers.json';

export interface LenetStepFixture {
  readonly about: string;
  readonly weights: LenetWeights<Float32Array>;
  /** [32, 28, 28, 1] raw pixels 0..255. */
  readonly images: Float32Array;
  readonly labels: Float32Array;
  readonly batch: number;
  readonly loss: number;
  readonly accuracy: number;
  /** [32, 10] sigmoid outputs. */
  readonly outputs: Float32Array;
  readonly grads: LenetWeights<Float32Array>;
}

export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

function numbers(value: unknown, length: number, what: string): Float32Array {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'number')) {
    throw new FixtureError(`${LENET_FIXTURE_FILE}: ${what} must be ${length} numbers`);
  }
  return Float32Array.from(value);
}

function weights(value: unknown, what: string): LenetWeights<Float32Array> {
  const layers = (value ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const out: Partial<LenetWeights<Float32Array>> = {};
  for (const name of LENET_PARAMETERS) {
    const [layer, part] = name.split('.') as [string, string];
    out[name] = numbers(layers[layer]?.[part], sizeOf(LENET_PARAMETER_SHAPES[name]), `${what}.${name}`);
  }
  return out as LenetWeights<Float32Array>;
}

/** Validates the fixture's parsed JSON (read from a file in Node, fetched in a browser). */
export function parseLenetFixture(json: unknown): LenetStepFixture {
  const raw = (json ?? {}) as Record<string, unknown>;
  const batchInfo = (raw.batch ?? {}) as Record<string, unknown>;
  const labels = batchInfo.labels;
  const batch = Array.isArray(labels) ? labels.length : 0;
  if (batch < 1) throw new FixtureError(`${LENET_FIXTURE_FILE}: batch.labels must list the batch's labels`);
  if (typeof raw.loss !== 'number' || typeof raw.accuracy !== 'number') throw new FixtureError(`${LENET_FIXTURE_FILE}: loss and accuracy must be numbers`);
  const fixture: LenetStepFixture = {
    about: typeof raw.about === 'string' ? raw.about : '',
    weights: weights(raw.weights, 'weights'),
    images: numbers(batchInfo.images, batch * 28 * 28, 'batch.images'),
    labels: numbers(labels, batch, 'batch.labels'),
    batch,
    loss: raw.loss,
    accuracy: raw.accuracy,
    outputs: numbers(raw.outputs, batch * LENET_CLASSES, 'outputs'),
    grads: weights(raw.grads, 'grads'),
  };
  return fixture;
}
