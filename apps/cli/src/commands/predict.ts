import { Engine } from '@lenet-ts/core';
import type { Command } from 'commander';
import { createBackend } from '../backends.js';
import { addBackendSelection, backendChoice, type BackendOptions } from '../command-options.js';
import { IMAGE_SIDE, readImageFile, type ImageBatch } from '../images.js';
import { backendLine, lineWriter, type CliIo } from '../io.js';
import { classNamesOf, loadModel } from '../model-io.js';
import { positiveInt } from '../options.js';
import { userPath } from '../paths.js';
import { RunError } from '../run-error.js';
import { describe } from './evaluate.js';

export interface PredictOptions extends BackendOptions {
  model: string;
  top: number;
  json?: boolean;
  limit?: number;
  labels?: string;
  resize?: boolean;
  invert?: boolean;
}

export function registerPredict(program: Command, io: CliIo): void {
  addBackendSelection(
    program
      .command('predict')
      .description('classify PNG or JPEG images or IDX image files with a saved model')
      .argument('<images...>', 'PNG files (28x28, white on black; any PNG or JPEG with --resize) or IDX image files (gzip or not)'),
  )
    .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)', userPath)
    .option('--top <k>', 'classes to show per image', positiveInt, 3)
    .option('--json', 'print one JSON document: {"predictions": [{"input", "top": [{"class", "name", "probability"}], "label"?}], "accuracy"?}')
    .option('--limit <n>', 'classify only the first N images of each IDX file', positiveInt)
    .option('--labels <file>', 'IDX labels file of the IDX images, to print true classes and accuracy (default: the labels file beside it)', userPath)
    .option('--resize', `read any PNG or JPEG, as grayscale scaled to ${IMAGE_SIDE}x${IMAGE_SIDE}`)
    .option('--invert', 'invert PNG and JPEG images (for a dark object on a light background)')
    .action(async (images: string[], options: PredictOptions) =>
      predict(images.map(userPath), options, { out: lineWriter(io.stdout), err: lineWriter(io.stderr) }),
    );
}

interface Ranked {
  readonly class: number;
  readonly name: string;
  readonly probability: number;
}

/**
 * Classifies PNG, JPEG or IDX images with a saved model; one line per image with the top classes and
 * probabilities (or one JSON document). A file that cannot be read is one error line; the others are
 * still classified, and the command fails at the end.
 */
export async function predict(
  images: readonly string[],
  options: PredictOptions,
  io: { out: (line: string) => void; err: (line: string) => void },
): Promise<void> {
  const { out, err } = io;
  if (options.labels && images.length !== 1)
    throw new RunError(`--labels names the labels of one IDX file, but ${images.length} inputs were given; pass one IDX file with --labels`);
  const backend = await createBackend(backendChoice(options));
  try {
    const { model, metadata } = loadModel(new Engine(backend), options.model);
    try {
      if (!options.json) {
        out(backendLine(backend));
        out(`Model: ${options.model} (${describe(metadata)})`);
      }
      const classNames = classNamesOf(metadata);
      const top = Math.min(options.top, classNames.length);
      // JSON readers get one document on stdout; the note goes to stderr there.
      if (options.top > classNames.length)
        (options.json ? err : out)(`Note: --top ${options.top} is more than the ${classNames.length} classes; showing all ${classNames.length}`);
      const documents: object[] = [];
      const tally = { right: 0, labelled: 0 };
      let failed = 0;
      for (const path of images) {
        let batch: ImageBatch;
        try {
          batch = await readImageFile(path, options);
        } catch (error) {
          // A single input's error is the command's error: one line, printed once by the CLI.
          if (!(error instanceof RunError) || images.length === 1) throw error;
          err(`error: ${error.message}`);
          failed++;
          continue;
        }
        for (const warning of batch.warnings) err(warning);
        const probabilities = await model.predictProbabilities({ images: batch.images, count: batch.count, sampleShape: [IMAGE_SIDE, IMAGE_SIDE, 1] });
        let right = 0;
        for (let i = 0; i < batch.count; i++) {
          const row = Array.from(probabilities.subarray(i * classNames.length, (i + 1) * classNames.length));
          // Stable sort: on equal probability the lower class index comes first, as argmax does.
          const ranked: Ranked[] = row
            .map((probability, c) => ({ class: c, name: classNames[c]!, probability }))
            .sort((a, b) => b.probability - a.probability)
            .slice(0, top);
          const label = batch.labels?.[i];
          if (label !== undefined && label === ranked[0]!.class) right++;
          if (options.json) {
            documents.push({
              input: batch.names[i],
              top: ranked.map((r) => ({ ...r, probability: Number(r.probability.toFixed(6)) })),
              ...(label !== undefined ? { label: { class: label, name: classNames[label] ?? String(label) } } : {}),
            });
          } else {
            const truth = label === undefined ? '' : ` (true: ${classNames[label] ?? label}${label === ranked[0]!.class ? '' : ', wrong'})`;
            out(`${batch.names[i]}: ${ranked.map((r) => `${r.name} ${r.probability.toFixed(4)}`).join(', ')}${truth}`);
          }
        }
        if (batch.labels) {
          tally.right += right;
          tally.labelled += batch.count;
          if (!options.json) out(`Accuracy: ${(right / batch.count).toFixed(4)} (${right}/${batch.count}) on ${path}, true classes from ${batch.labelsPath}`);
        }
      }
      if (options.json) {
        const accuracy = tally.labelled > 0 ? { accuracy: tally.right / tally.labelled, labelled: tally.labelled } : {};
        out(JSON.stringify({ backend: backendLine(backend).replace(/^Backend: /, ''), model: options.model, predictions: documents, ...accuracy }, null, 2));
      }
      if (failed > 0) {
        throw new RunError(`${failed} of ${images.length} inputs could not be read (above); the others were classified`);
      }
    } finally {
      model.dispose();
    }
  } finally {
    backend.close?.();
  }
}
