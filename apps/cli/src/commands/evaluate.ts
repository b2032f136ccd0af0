import { Engine, sliceDataset } from '@lenet-ts/core';
import { terminalOutput } from '@lenet-ts/core/node';
import type { Command } from 'commander';
import { createBackend } from '../backends.js';
import { addBackendSelection, addDataDirOption, backendChoice, type BackendOptions } from '../command-options.js';
import { loadData, type DataLocations, type DatasetName } from '../data.js';
import { backendLine, lineWriter, type CliIo } from '../io.js';
import { loadModel } from '../model-io.js';
import { positiveInt } from '../options.js';
import { userPath } from '../paths.js';
import { plural } from '../plural.js';

export interface EvaluateOptions extends BackendOptions {
  model: string;
  batchSize: number;
  limit?: number;
  dataDir?: string;
  dataset?: DatasetName;
}

export function registerEvaluate(program: Command, io: CliIo): void {
  addDataDirOption(
    addBackendSelection(program.command('evaluate').description('evaluate a saved model on the Fashion-MNIST test set'))
      .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)', userPath)
      .option('--batch-size <n>', 'batch size', positiveInt, 256)
      .option('--limit <n>', 'evaluate on the first N test images only', positiveInt),
  ).action(async (options: EvaluateOptions) => evaluate(options, { out: lineWriter(io.stdout), output: io.stdout, data: io.data }));
}

/** Loads a saved model on the chosen backend and reports its loss and accuracy on the test set. */
export async function evaluate(
  options: EvaluateOptions,
  context: { out: (line: string) => void; output: NodeJS.WritableStream; data?: DataLocations },
): Promise<void> {
  const backend = await createBackend(backendChoice(options));
  try {
    const { model, metadata } = loadModel(new Engine(backend), options.model);
    try {
      context.out(backendLine(backend));
      context.out(`Model: ${options.model} (${describe(metadata)})`);
      const data = await loadData(options.dataDir, context.data, options.dataset);
      const test = options.limit ? sliceDataset(data.test, 0, Math.min(options.limit, data.test.count)) : data.test;
      if (options.limit && options.limit > data.test.count)
        context.out(`Note: --limit ${options.limit} is more than the ${data.test.count} test images; using all ${data.test.count}`);
      const result = await model.evaluate(test, { batchSize: options.batchSize, verbose: 1, output: terminalOutput(context.output) });
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
  if (typeof metadata.epochsDone === 'number') parts.push(plural(metadata.epochsDone, 'epoch'));
  const backend = (metadata.backend as { name?: unknown } | undefined)?.name;
  if (typeof backend === 'string') parts.push(`trained on ${backend}`);
  return parts.join(', ') || 'no metadata';
}
