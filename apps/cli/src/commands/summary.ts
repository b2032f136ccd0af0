import { createLeNet, presets } from '@lenet-ts/lenet';
import type { Command } from 'commander';
import { createBackend } from '../backends.js';
import { addBackendOptions, backendChoice, type BackendOptions } from '../command-options.js';
import { lineWriter, type CliIo } from '../io.js';
import { printSummary } from '../summary.js';

export function registerSummary(program: Command, io: CliIo): void {
  addBackendOptions(
    program.command('summary').description("print each layer's output shape for a batch of one, as the seed does, then Keras's model.summary() table"),
  ).action(async (options: BackendOptions & { preset: string; seed: number }) => {
    const backend = await createBackend(backendChoice(options));
    try {
      const model = createLeNet(backend, { preset: presets[options.preset]!, seed: options.seed });
      await printSummary(model, lineWriter(io.stdout));
    } finally {
      backend.close?.();
    }
  });
}
