import { CommanderError, Command, Option } from 'commander';
import { Engine, NonFiniteLossError, sliceDataset } from '@lenet-ts/core';
import { DataError, loadFashionMnist } from '@lenet-ts/core/data';
import { createLeNet, presets } from '@lenet-ts/lenet';
import { BACKENDS, createBackend, UsageError, type BackendChoice } from './backends.js';
import { nonNegativeInt, positiveInt, positiveNumber } from './options.js';
import { CrosscheckFailed, registerCrosscheck } from './crosscheck/command.js';
import { printSummary } from './summary.js';

/** Exit codes: 0 ok, 1 a run failed (diverged, data broken), 2 the command line was wrong. */
export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

interface TrainOptions {
  backend: string;
  tfRuntime?: string;
  gpujsMode?: string;
  preset: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  seed: number;
  limit?: number;
  dataDir?: string;
}

export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

function addBackendOptions(command: Command): Command {
  return command
    .addOption(new Option('-b, --backend <name>', 'compute backend').choices(Object.keys(BACKENDS)).default('cpu'))
    .option('--tf-runtime <runtime>', 'tfjs runtime: auto (tfjs-node, else wasm, else cpu), node, wasm, cpu')
    .option('--gpujs-mode <mode>', 'gpu.js mode: auto, headlessgl, webgpu, webasm, cpu')
    .addOption(new Option('-p, --preset <name>', 'training recipe').choices(Object.keys(presets)).default('d2l'))
    .option('--seed <n>', 'seed for the initial weights and the batch order', nonNegativeInt, 0);
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
    .option('--data-dir <dir>', 'directory with the Fashion-MNIST IDX files (else $LENET_DATA_DIR, the cache, the Debian package, a download)')
    .action(async (options: TrainOptions) => train(options, io));

  addBackendOptions(
    program.command('summary').description('print each layer\'s output shape for a batch of one, as the seed does'),
  ).action(async (options: TrainOptions) => {
    const backend = await createBackend(backendChoice(options));
    const model = createLeNet(backend, { preset: presets[options.preset]!, seed: options.seed });
    await printSummary(model, (line) => io.stdout.write(`${line}\n`));
    backend.close?.();
  });
  registerCrosscheck(program, (line) => io.stdout.write(`${line}\n`));
  return program;
}

/** The mode option that belongs to the chosen backend; a mode given for another backend is an error. */
function backendChoice(options: TrainOptions): BackendChoice {
  const modes: Record<string, string | undefined> = { tfjs: options.tfRuntime, gpujs: options.gpujsMode };
  for (const [backend, mode] of Object.entries(modes)) {
    if (mode !== undefined && backend !== options.backend) {
      throw new UsageError(`${backend === 'tfjs' ? '--tf-runtime' : '--gpujs-mode'} applies to --backend ${backend}, not ${options.backend}`);
    }
  }
  return { name: options.backend, mode: modes[options.backend] };
}

async function train(options: TrainOptions, io: CliIo): Promise<void> {
  const preset = presets[options.preset]!;
  const backend = await createBackend(backendChoice(options));
  const out = (line: string) => io.stdout.write(`${line}\n`);
  out(`Backend: ${backend.name} (${backend.description})`);
  const data = await loadFashionMnist({ dataDir: options.dataDir });
  out(`Data: Fashion-MNIST from ${data.source} (${data.origin})`);
  const train = options.limit ? sliceDataset(data.train, 0, Math.min(options.limit, data.train.count)) : data.train;
  const test = data.test;
  const engine = new Engine(backend);
  const model = createLeNet(engine, { preset, seed: options.seed, learningRate: options.lr });
  const batchSize = options.batchSize ?? preset.batchSize;
  const epochs = options.epochs ?? preset.epochs;
  out(`Preset: ${preset.name} (${preset.description}); batch ${batchSize}, lr ${options.lr ?? preset.optimizer.learningRate}, ${epochs} epochs, seed ${options.seed}`);
  const started = performance.now();
  const history = await model.fit(train, {
    batchSize,
    epochs,
    validationSplit: preset.validationSplit,
    seed: options.seed,
    output: io.stdout,
  });
  const result = await model.evaluate(test, { batchSize, verbose: 1, output: io.stdout });
  const seconds = (performance.now() - started) / 1000;
  const last = history[history.length - 1]!;
  out(`Test loss: ${result.loss.toFixed(4)} - test accuracy: ${result.accuracy.toFixed(4)}`);
  out(`Wall time: ${seconds.toFixed(1)}s; last epoch ${last.samplesPerSecond.toFixed(0)} training samples/s on ${backend.name} (${backend.description})`);
  model.dispose();
  backend.close?.();
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
    if (error instanceof DataError || error instanceof NonFiniteLossError || error instanceof CrosscheckFailed) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}
