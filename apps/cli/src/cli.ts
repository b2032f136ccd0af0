import { CommanderError, Command } from 'commander';
import { ModelFileError, NonFiniteLossError } from '@lenet-ts/core';
import { DataError } from '@lenet-ts/core/data';
import { createLeNet, presets } from '@lenet-ts/lenet';
import { addBackendOptions, addBackendSelection, backendChoice, type BackendOptions } from './backend-options.js';
import { createBackend, UsageError } from './backends.js';
import { evaluate, type EvaluateOptions } from './commands/evaluate.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { predict, type PredictOptions } from './commands/predict.js';
import { train, type TrainOptions } from './commands/train.js';
import type { DataLocations } from './data.js';
import { EXIT_INTERRUPTED } from './interrupt.js';
import { positiveInt, positiveNumber } from './options.js';
import { Interrupted, RunError } from './run-error.js';
import { CrosscheckFailed, registerCrosscheck } from './crosscheck/command.js';
import { printSummary } from './summary.js';

/** Exit codes: 0 ok, 1 a run failed (diverged, data broken), 2 the command line was wrong. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
  /** Where to look for Fashion-MNIST besides --data-dir; default: the environment's (tests use temporary folders). */
  readonly data?: DataLocations;
}

/** Builds the command tree; `train` is the default command so a bare invocation runs the seed recipe. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('lenet')
    .description('Train LeNet on Fashion-MNIST with a pluggable compute backend')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .showSuggestionAfterError(true);

  addBackendOptions(
    program
      .command('train', { isDefault: true })
      .description('train LeNet (default: the d2l seed recipe) and evaluate it on the test set'),
  )
    .option('--epochs <n>', 'epochs (default: the preset\'s)', positiveInt)
    .option('--batch-size <n>', 'batch size (default: the preset\'s)', positiveInt)
    .option('--lr <rate>', 'learning rate (default: the preset\'s)', positiveNumber)
    .option('--limit <n>', 'train on the first N training rows only (quick runs)', positiveInt)
    .option('--test-limit <n>', 'evaluate on the first N test images only (quick runs)', positiveInt)
    .option('--data-dir <dir>', 'directory with the Fashion-MNIST IDX files (else $LENET_DATA_DIR, the cache, the Debian package, a download)')
    .option('--save <file>', 'write the trained model (architecture, weights, metadata) to this file, e.g. model.lenet')
    .option('--checkpoint <file>', 'write a checkpoint after every epoch and on Ctrl-C (default: the --resume file, else <--save file>.ckpt)')
    .option('--resume [checkpoint]', 'continue the run saved in this checkpoint (default: --checkpoint\'s file)')
    .option('--report <file>', 'write an HTML report: loss and accuracy curves, test confusion matrix, misclassified images')
    .action(async (options: TrainOptions, command: Command) =>
      train(options, command, {
        out: (line) => io.stdout.write(`${line}\n`),
        err: (line) => io.stderr.write(`${line}\n`),
        output: io.stdout,
        data: io.data,
      }),
    );

  addBackendSelection(program.command('evaluate').description('evaluate a saved model on the Fashion-MNIST test set'))
    .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)')
    .option('--batch-size <n>', 'batch size', positiveInt, 256)
    .option('--limit <n>', 'evaluate on the first N test images only', positiveInt)
    .option('--data-dir <dir>', 'directory with the Fashion-MNIST IDX files')
    .action(async (options: EvaluateOptions) =>
      evaluate(options, { out: (line) => io.stdout.write(`${line}\n`), output: io.stdout, data: io.data }),
    );

  addBackendSelection(
    program
      .command('predict')
      .description('classify 28x28 PNG images or IDX image files with a saved model')
      .argument('<images...>', 'PNG files (28x28, white on black) or IDX image files (gzip or not)'),
  )
    .requiredOption('-m, --model <file>', 'model file written by train --save (or a checkpoint)')
    .option('--top <k>', 'classes to show per image', positiveInt, 3)
    .action(async (images: string[], options: PredictOptions) => predict(images, options, (line) => io.stdout.write(`${line}\n`)));

  addBackendOptions(
    program.command('summary').description('print each layer\'s output shape for a batch of one, as the seed does'),
  ).action(async (options: BackendOptions & { preset: string; seed: number }) => {
    const backend = await createBackend(backendChoice(options));
    const model = createLeNet(backend, { preset: presets[options.preset]!, seed: options.seed });
    await printSummary(model, (line) => io.stdout.write(`${line}\n`));
    backend.close?.();
  });
  registerCrosscheck(program, (line) => io.stdout.write(`${line}\n`));
  registerExport(program, (line) => io.stdout.write(`${line}\n`));
  registerImport(program, (line) => io.stdout.write(`${line}\n`));
  return program;
}

/** Runs the CLI; resolves to the process exit code. Errors a user can fix print one line, no stack. */
export async function runCli(argv: readonly string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (
      error instanceof DataError ||
      error instanceof ModelFileError ||
      error instanceof RunError ||
      error instanceof NonFiniteLossError ||
      error instanceof CrosscheckFailed
    ) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    if (error instanceof Interrupted) {
      io.stderr.write(`interrupted: ${error.message}\n`);
      return EXIT_INTERRUPTED;
    }
    throw error;
  }
}
