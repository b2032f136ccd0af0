import { backendId, Batcher, Engine, type Backend, type Dataset, type OptimizerKind } from '@lenet-ts/core';
import { createLeNet, type LeNetPreset } from '@lenet-ts/lenet';
import { difference, worse, type Worst } from './compare.js';
import { tracedStep, type StepTrace } from './traced-step.js';

export interface Participant {
  /** As given on the command line, e.g. `cpu` or `name:mode`. */
  readonly label: string;
  readonly backend: Backend;
}

export const QUANTITIES = ['activations', 'gradients', 'loss', 'weights'] as const;
export type Quantity = (typeof QUANTITIES)[number];

export interface BackendVerdict {
  readonly label: string;
  /** What actually ran (the backend's own description). */
  readonly ran: string;
  /** Worst difference per quantity over all steps; `name` is the layer or parameter. */
  readonly worst: Readonly<Record<Quantity, Worst | null>>;
  readonly pass: boolean;
}

export interface StepCrosscheckReport {
  readonly reference: string;
  /** What every participant trained with, e.g. `Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7`. */
  readonly optimizer: string;
  readonly steps: number;
  readonly batchSize: number;
  readonly tolerance: number;
  readonly backends: readonly BackendVerdict[];
  readonly pass: boolean;
  /** Every comparison: step, backend, quantity, tensor name and its difference (for --json). */
  readonly details: readonly { step: number; backend: string; quantity: Quantity; name: string; maxAbs: number; maxRel: number; scaled: number }[];
}

export interface StepCrosscheckOptions {
  readonly preset: LeNetPreset;
  readonly seed: number;
  /** Absent: the preset's SGD. */
  readonly optimizer?: OptimizerKind;
  readonly steps: number;
  readonly batchSize: number;
  /** Largest allowed max|a-b| / max|b| for any tensor. */
  readonly tolerance: number;
  readonly data: Dataset;
}

/**
 * Trains the same LeNet (same seeded weights, same batches) on every participant for `steps` steps and
 * compares each layer's activations, every gradient, the loss and the updated weights against the first
 * participant (the reference) after every step.
 */
export async function stepCrosscheck(participants: readonly Participant[], options: StepCrosscheckOptions): Promise<StepCrosscheckReport> {
  if (participants.length < 2) throw new Error('a cross-check needs a reference and at least one other backend');
  const models = participants.map((p) => createLeNet(new Engine(p.backend), { preset: options.preset, seed: options.seed, optimizer: options.optimizer }));
  const reference = models[0]!;
  const layerNames = reference.layers.map((l) => l.name);
  const paramNames = reference.params().map((p) => p.name);
  const batcher = new Batcher(options.data, options.preset.inputScale);
  const worst = participants.slice(1).map((): Record<Quantity, Worst | null> => ({ activations: null, gradients: null, loss: null, weights: null }));
  const details: StepCrosscheckReport['details'][number][] = [];

  for (let step = 1; step <= options.steps; step++) {
    const start = ((step - 1) * options.batchSize) % Math.max(1, options.data.count - options.batchSize + 1);
    const batch = batcher.fill(null, start, options.batchSize);
    const expected = await tracedStep(reference, batch.images, batch.labels);
    for (let b = 1; b < participants.length; b++) {
      const actual = await tracedStep(models[b]!, batch.images, batch.labels);
      for (const [quantity, name, got, want] of pairs(actual, expected, layerNames, paramNames)) {
        const d = difference(got, want);
        details.push({ step, backend: participants[b]!.label, quantity, name, ...d });
        worst[b - 1]![quantity] = worse(worst[b - 1]![quantity], { ...d, name, step });
      }
    }
  }
  for (const m of models) m.dispose();
  const backends = participants.slice(1).map((p, i): BackendVerdict => ({
    label: p.label,
    ran: `${backendId(p.backend)}: ${p.backend.description}`,
    worst: worst[i]!,
    pass: QUANTITIES.every((q) => (worst[i]![q]?.scaled ?? 0) <= options.tolerance),
  }));
  return {
    reference: `${participants[0]!.label} (${participants[0]!.backend.description})`,
    optimizer: reference.optimizer.describe(),
    steps: options.steps,
    batchSize: options.batchSize,
    tolerance: options.tolerance,
    backends,
    pass: backends.every((b) => b.pass),
    details,
  };
}

function* pairs(actual: StepTrace, expected: StepTrace, layers: string[], params: string[]): Generator<[Quantity, string, Float32Array, Float32Array]> {
  for (let i = 0; i < layers.length; i++) yield ['activations', layers[i]!, actual.activations[i]!, expected.activations[i]!];
  for (let i = 0; i < params.length; i++) yield ['gradients', params[i]!, actual.gradients[i]!, expected.gradients[i]!];
  yield ['loss', 'loss', Float32Array.of(actual.loss), Float32Array.of(expected.loss)];
  for (let i = 0; i < params.length; i++) yield ['weights', params[i]!, actual.weights[i]!, expected.weights[i]!];
}
