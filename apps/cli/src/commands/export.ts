import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MODEL_FILE_MAX_BYTES } from '@lenet-ts/core';
import { exportOnnx, exportTfjsLayers, readPortableModel, TFJS_WEIGHTS_FILE, type PortableModel } from '@lenet-ts/interop';
import { Option, type Command } from 'commander';
import { lineWriter, type CliIo } from '../io.js';
import { assertWritable, describeErrno, readUserFile, writeFileAtomically } from '../files.js';
import { RunError } from '../run-error.js';

export interface ExportOptions {
  model: string;
  format: 'tfjs' | 'onnx';
  out: string;
}

/** `lenet export`: a saved model as a tfjs layers model (a folder) or an ONNX file, for other runtimes. */
export function registerExport(program: Command, io: CliIo): void {
  const out = lineWriter(io.stdout);
  program
    .command('export')
    .description('write a saved model as a TensorFlow.js layers model (model.json + weights.bin) or an ONNX file')
    .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)')
    .addOption(
      new Option('--format <format>', 'tfjs: a folder for tf.loadLayersModel; onnx: one .onnx file (opset 13)').choices(['tfjs', 'onnx']).makeOptionMandatory(),
    )
    .requiredOption('--out <path>', 'the folder (tfjs) or the .onnx file (onnx) to write')
    .action(async (options: ExportOptions) => exportModel(options, out));
}

export async function exportModel(options: ExportOptions, out: (line: string) => void): Promise<void> {
  const bytes = readUserFile(options.model, 'model file', MODEL_FILE_MAX_BYTES, 'pass a file written by `lenet train --save`');
  const model = readPortableModel(bytes, options.model);
  const inputs = `raw pixels [N, ${model.architecture.inputShape.join(', ')}]`;
  const outputs = model.architecture.loss === 'softmax-cross-entropy' ? 'logits' : 'per-class sigmoid scores';
  if (options.format === 'onnx') {
    assertWritable(options.out, 'ONNX file', '--out');
    writeFileAtomically(options.out, exportOnnx(model), 'ONNX file');
    out(`Exported ${options.model} to ${options.out} (ONNX opset 13; input "pixels": ${inputs} float32; output "outputs": the model's ${outputs})`);
    return;
  }
  writeTfjsFolder(options.out, model);
  out(
    `Exported ${options.model} to ${options.out} (TensorFlow.js layers model: model.json + ${TFJS_WEIGHTS_FILE}; takes ${inputs}; gives the model's ${outputs})`,
  );
}

/**
 * A new folder is filled beside its final place and renamed into it, so it appears complete or not at
 * all; into an existing folder the weights are renamed first and model.json last, each atomically.
 */
function writeTfjsFolder(folder: string, model: PortableModel): void {
  const { modelJson, weightsBin } = exportTfjsLayers(model);
  const json = `${JSON.stringify(modelJson, null, 2)}\n`;
  const fix = 'pass --out a new or existing folder in a writable directory';
  const existing = statSync(folder, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new RunError(`the export folder ${folder} is a file; ${fix}`);
  if (existing) {
    writeFileAtomically(join(folder, TFJS_WEIGHTS_FILE), weightsBin, 'tfjs weights file');
    writeFileAtomically(join(folder, 'model.json'), json, 'tfjs model.json');
    return;
  }
  const parent = dirname(resolve(folder));
  if (!existsSync(parent)) throw new RunError(`cannot write the export folder ${folder}: its parent ${parent} does not exist; ${fix}`);
  const staging = join(parent, `.${basename(folder)}.${process.pid}.tmp`);
  try {
    mkdirSync(staging);
    writeFileAtomically(join(staging, TFJS_WEIGHTS_FILE), weightsBin, 'tfjs weights file');
    writeFileAtomically(join(staging, 'model.json'), json, 'tfjs model.json');
    renameSync(staging, folder);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (error instanceof RunError) throw error;
    throw new RunError(`cannot write the export folder ${folder} (${describeErrno(error)}); ${fix}`);
  }
}
