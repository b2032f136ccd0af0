import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { decodeModel, Engine, MODEL_FILE_MAX_BYTES } from '@lenet-ts/core';
import { encodePortableModel, importTfjsModelJson, UnsupportedModelError } from '@lenet-ts/interop';
import type { Command } from 'commander';
import { lineWriter, type CliIo } from '../io.js';
import { assertWritable, readUserFile, writeFileAtomically } from '../files.js';
import { RunError } from '../run-error.js';

export interface ImportOptions {
  out: string;
}

/** A model.json is small (a LeNet's is 5 KB); refuse anything that could not be one before reading it. */
const MODEL_JSON_MAX_BYTES = 16 * 2 ** 20;

/** `lenet import`: a TensorFlow.js layers Sequential (model.json + weights) as a `.lenet` model. */
export function registerImport(program: Command, io: CliIo): void {
  const out = lineWriter(io.stdout);
  program
    .command('import')
    .description('convert a TensorFlow.js layers model (model.json and its weight files) into a .lenet model for every backend')
    .argument('<model.json>', 'the model.json that tfjs model.save or tensorflowjs_converter wrote (or its folder)')
    .requiredOption('--out <file>', 'the .lenet model file to write')
    .action(async (modelJson: string, options: ImportOptions) => importModel(modelJson, options, out));
}

export async function importModel(source: string, options: ImportOptions, out: (line: string) => void): Promise<void> {
  const path = statSync(source, { throwIfNoEntry: false })?.isDirectory() ? join(source, 'model.json') : source;
  const fix = 'pass the model.json that model.save wrote, with its weight files beside it';
  assertWritable(options.out, 'model', '--out');
  const text = new TextDecoder().decode(readUserFile(path, 'tfjs model.json', MODEL_JSON_MAX_BYTES, fix));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RunError(`${path} is not JSON; ${fix}`);
  }
  const folder = dirname(path);
  const readWeightFile = (file: string) => {
    const relative = normalize(file);
    // The manifest names files beside model.json; a path out of that folder is not one model.save writes.
    if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`)) {
      throw new RunError(`${path} lists the weight file ${file}, outside its folder; ${fix}`);
    }
    return readUserFile(join(folder, relative), 'tfjs weight file', MODEL_FILE_MAX_BYTES, fix);
  };
  let bytes: Uint8Array;
  let summary: string;
  try {
    const model = importTfjsModelJson(json, readWeightFile, path);
    bytes = encodePortableModel(model);
    const { architecture } = model;
    summary = `${architecture.layers.length} layers, inputs scaled by ${architecture.inputScale === 1 ? '1 (raw pixels)' : architecture.inputScale.toPrecision(6)}, loss ${architecture.loss}`;
  } catch (error) {
    if (error instanceof UnsupportedModelError) throw new RunError(error.message);
    throw error;
  }
  assertFashionMnistModel(bytes, path);
  writeFileAtomically(options.out, bytes, 'model');
  out(`Imported ${path} to ${options.out} (${summary})`);
}

/** The other commands take 28x28x1 images and 10 classes; a model of another shape would be useless to them. */
function assertFashionMnistModel(bytes: Uint8Array, path: string): void {
  const backend = createCpuBackend({ threads: 1 });
  try {
    const { model, architecture } = decodeModel(new Engine(backend), bytes, path);
    const classes = model.outputShape.join();
    model.dispose();
    if (architecture.inputShape.join() !== '28,28,1' || classes !== '10') {
      throw new RunError(
        `cannot import ${path}: it takes [${architecture.inputShape.join(', ')}] inputs and gives [${classes}] outputs; lenet's commands need Fashion-MNIST's [28, 28, 1] images and 10 classes`,
      );
    }
  } finally {
    backend.close?.();
  }
}
