import { Engine, sliceDataset } from '@lenet-ts/core';
import { backendChoice, type BackendOptions } from '../backend-options.js';
import { createBackend } from '../backends.js';
import { loadData, type DataLocations } from '../data.js';
import { loadModel } from '../model-io.js';

export interface EvaluateOptions extends BackendOptions {
  model: string;
  batchSize: number;
  limit?: number;
  dataDir?: string;
}

/** Loads a saved model on the chosen backend and reports its loss and accuracy on the test set. */
export async function evaluate(options: EvaluateOptions, context: { out: (line: string) => void; output: NodeJS.WritableStream; data?: DataLocations }): Promise<void> {
  const backend = await createBackend(backendChoice(options));
  try {
    const { model, metadata } = loadModel(new Engine(backend), options.model);
    try {
      context.out(`Backend: ${backend.name} (${backend.description})`);
      context.out(`Model: ${options.model} (${describe(metadata)})`);
      const data = await loadData(options.dataDir, context.data);
      const test = options.limit ? sliceDataset(data.test, 0, Math.min(options.limit, data.test.count)) : data.test;
      const result = await model.evaluate(test, { batchSize: options.batchSize, verbose: 1, output: context.output });
      context.out(`Test loss: ${result.loss.toFixed(4)} - test accuracy: ${result.accuracy.toFixed(4)}`);
    } finally {
      model.dispose();
    }
  } finally {
    backend.close?.();
  }
}

/** "d2l preset, 5 epochs on cpu" from whatever metadata the file has. */
export function describe(metadata: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (typeof metadata.preset === 'string') parts.push(`${metadata.preset} preset`);
  if (typeof metadata.epochsDone === 'number') parts.push(`${metadata.epochsDone} epochs`);
  const backend = (metadata.backend as { name?: unknown } | undefined)?.name;
  if (typeof backend === 'string') parts.push(`trained on ${backend}`);
  return parts.join(', ') || 'no metadata';
}
