import { Engine } from '@lenet-ts/core';
import type { Command } from 'commander';
import { createBackend } from '../backends.js';
import { addBackendSelection, backendChoice, type BackendOptions } from '../command-options.js';
import { IMAGE_SIDE, readImages } from '../images.js';
import { backendLine, lineWriter, type CliIo } from '../io.js';
import { classNamesOf, loadModel } from '../model-io.js';
import { positiveInt } from '../options.js';
import { describe } from './evaluate.js';

export interface PredictOptions extends BackendOptions {
  model: string;
  top: number;
}

export function registerPredict(program: Command, io: CliIo): void {
  addBackendSelection(
    program
      .command('predict')
      .description('classify 28x28 PNG images or IDX image files with a saved model')
      .argument('<images...>', 'PNG files (28x28, white on black) or IDX image files (gzip or not)'),
  )
    .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)')
    .option('--top <k>', 'classes to show per image', positiveInt, 3)
    .action(async (images: string[], options: PredictOptions) => predict(images, options, lineWriter(io.stdout)));
}

/** Classifies PNG or IDX images with a saved model; one line per image with the top classes and probabilities. */
export async function predict(images: readonly string[], options: PredictOptions, out: (line: string) => void): Promise<void> {
  const backend = await createBackend(backendChoice(options));
  try {
    const { model, metadata } = loadModel(new Engine(backend), options.model);
    try {
      const batch = readImages(images);
      out(backendLine(backend));
      out(`Model: ${options.model} (${describe(metadata)})`);
      const classNames = classNamesOf(metadata);
      const probabilities = await model.predict({
        images: batch.images,
        labels: new Uint8Array(batch.count),
        count: batch.count,
        sampleShape: [IMAGE_SIDE, IMAGE_SIDE, 1],
      });
      const classes = classNames.length;
      const top = Math.min(options.top, classes);
      if (options.top > classes) out(`Note: --top ${options.top} is more than the ${classes} classes; showing all ${classes}`);
      for (let i = 0; i < batch.count; i++) {
        const row = Array.from(probabilities.subarray(i * classes, (i + 1) * classes));
        // Stable sort: on equal probability the lower class index comes first, as argmax does.
        const ranked = row.map((p, c) => ({ p, c })).sort((a, b) => b.p - a.p).slice(0, top);
        out(`${batch.names[i]}: ${ranked.map(({ p, c }) => `${classNames[c]} ${p.toFixed(4)}`).join(', ')}`);
      }
    } finally {
      model.dispose();
    }
  } finally {
    backend.close?.();
  }
}
