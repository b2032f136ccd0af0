import { resolve } from 'node:path';
import {
  backendId,
  Engine,
  NonFiniteLossError,
  sliceDataset,
  type Dataset,
  type EpochLogs,
  type FitState,
  type OptimizerKind,
  type Sequential,
} from '@lenet-ts/core';
import { terminalOutput } from '@lenet-ts/core/node';
import { createLeNet, defaultLearningRate, presets } from '@lenet-ts/lenet';
import type { Command } from 'commander';
import { createBackend, UsageError } from '../backends.js';
import { addBackendOptions, addDataDirOption, addOptimizerOption, backendChoice, type BackendOptions } from '../command-options.js';
import { DivergedWeightsError, readCheckpoint, writeCheckpoint, type RunSettings } from '../checkpoint.js';
import { loadData, type DataLocations, type DatasetName } from '../data.js';
import { assertWritable } from '../files.js';
import { signalsDelivered, STOP_REASONS, stopCause, watchInterrupt } from '../interrupt.js';
import { backendLine, lineWriter, noGpuNote, type CliIo } from '../io.js';
import { saveModel } from '../model-io.js';
import { announceClamp, assertFullBatch, assertOutputsFit, assertOwnCheckpoint, type OutputPaths } from '../preflight.js';
import { userPath } from '../paths.js';
import { plural } from '../plural.js';
import { stallHint } from '../stall-hint.js';
import { writeTrainingReport } from '../report/report.js';
import { positiveInt, positiveNumber } from '../options.js';
import { Interrupted, RunError } from '../run-error.js';

export interface TrainOptions extends BackendOptions {
  preset: string;
  seed: number;
  epochs?: number;
  batchSize?: number;
  /** sgd, adam or rmsprop; absent: the preset's (SGD). */
  optimizer?: OptimizerKind;
  lr?: number;
  limit?: number;
  testLimit?: number;
  dataDir?: string;
  dataset?: DatasetName;
  save?: string;
  checkpoint?: string;
  /** A checkpoint path, or true to use --checkpoint (or the one next to --save). */
  resume?: string | true;
  report?: string;
  /** Replace an existing --checkpoint file that this run does not resume from. */
  overwrite?: boolean;
}

export interface TrainContext {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  readonly data?: DataLocations;
}

/** `lenet train`, the default command, so a bare `lenet` runs the seed recipe. */
export function registerTrain(program: Command, io: CliIo): void {
  addDataDirOption(
    addOptimizerOption(
      addBackendOptions(program.command('train', { isDefault: true }).description('train LeNet (default: the d2l seed recipe) and evaluate it on the test set'))
        .option('--epochs <n>', "epochs (default: the preset's)", positiveInt)
        .option('--batch-size <n>', "batch size (default: the preset's)", positiveInt)
        .option('--lr <rate>', "learning rate (default: the preset's for sgd, 0.001 for adam and rmsprop)", positiveNumber)
        .option('--limit <n>', 'train on the first N training rows only (quick runs)', positiveInt)
        .option('--test-limit <n>', 'evaluate on the first N test images only (quick runs)', positiveInt),
    ),
  )
    .option('--save <file>', 'write the trained model (architecture, weights, metadata) to this file, e.g. model.lenet', userPath)
    .option('--checkpoint <file>', 'write a checkpoint after every epoch and on Ctrl-C (default: the --resume file, else <--save file>.ckpt)', userPath)
    .option('--resume [checkpoint]', "continue the run saved in this checkpoint (default: --checkpoint's file)", userPath)
    .option('--overwrite', 'let --checkpoint replace an existing file this run does not resume from')
    .option('--report <file>', 'write an HTML report: loss and accuracy curves, test confusion matrix, misclassified images', userPath)
    .action(async (options: TrainOptions, command: Command) =>
      train(options, command, { out: lineWriter(io.stdout), err: lineWriter(io.stderr), output: io.stdout, data: io.data }),
    );
}

/** Trains LeNet (fresh or resumed from a checkpoint), evaluates it, and writes what was asked for. */
export async function train(options: TrainOptions, command: Command, context: TrainContext): Promise<void> {
  const { out } = context;
  const paths = outputPaths(options);
  const resumePath = resumeSource(options, paths);
  assertOwnCheckpoint(paths.checkpoint, resumePath, options.overwrite === true);
  const backend = await createBackend(backendChoice(options));
  let model: Sequential | null = null;
  // The signal watch lasts through the evaluation and the writes (a signal then lets them finish).
  let stopWatching = () => {};
  try {
    out(backendLine(backend));
    const note = noGpuNote(backend);
    if (note) out(note);
    const engine = new Engine(backend);
    let settings: RunSettings;
    let resumeFrom: FitState | undefined;
    if (resumePath) {
      const checkpoint = readCheckpoint(engine, resumePath, options.lr);
      model = checkpoint.model;
      assertSameRun(checkpoint.settings, options, command, resumePath);
      settings = { ...checkpoint.settings, epochs: options.epochs ?? checkpoint.settings.epochs };
      resumeFrom = checkpoint.state;
      if (resumeFrom.epoch > settings.epochs) {
        throw new UsageError(
          `${resumePath} has finished all ${plural(settings.epochs, 'epoch')}; pass --epochs with more than ${settings.epochs} to train further`,
        );
      }
    } else {
      const preset = presets[options.preset]!;
      const optimizer = options.optimizer ?? 'sgd';
      model = createLeNet(engine, { preset, seed: options.seed, optimizer, learningRate: options.lr });
      settings = {
        preset: preset.name,
        seed: options.seed,
        batchSize: options.batchSize ?? preset.batchSize,
        optimizer,
        learningRate: options.lr ?? defaultLearningRate(preset, optimizer),
        decay: preset.decay ?? null,
        momentum: preset.optimizer.momentum,
        nesterov: preset.optimizer.nesterov,
        epochs: options.epochs ?? preset.epochs,
        limit: options.limit ?? null,
        validationSplit: preset.validationSplit,
        rows: 0,
      };
    }
    const data = await loadData(options.dataDir, context.data, options.dataset);
    out(`Data: ${data.title} from ${data.source} (${data.origin})`);
    const rows = firstRows(data.train, settings.limit ?? undefined);
    if (resumePath && rows.count !== settings.rows) {
      throw new RunError(`${resumePath} was made for ${settings.rows} training rows, this data gives ${rows.count}; resume with the same data set`);
    }
    settings = { ...settings, rows: rows.count };
    const test = firstRows(data.test, options.testLimit);
    announceClamp(out, '--limit', settings.limit, data.train.count, 'training rows');
    announceClamp(out, '--test-limit', options.testLimit, data.test.count, 'test images');
    assertFullBatch(settings, data.train.count);
    await assertOutputsFit(paths, model, settings);
    out(
      `Preset: ${settings.preset} (${presets[settings.preset]?.description ?? 'from the checkpoint'}); batch ${settings.batchSize}, ${OPTIMIZER_NAMES[settings.optimizer]} lr ${settings.learningRate}, ${plural(settings.epochs, 'epoch')}, seed ${settings.seed}`,
    );
    if (resumeFrom) {
      out(
        `Resuming from ${resumePath}: epoch ${resumeFrom.epoch}/${settings.epochs}, ${resumeFrom.offset} samples into it, ${plural(resumeFrom.history.length, 'epoch')} done`,
      );
    }

    const metadata = (history: readonly EpochLogs[]) => ({
      createdAt: new Date().toISOString(),
      backend: { name: backend.name, id: backendId(backend), description: backend.description },
      ...settings,
      epochsDone: history.length,
      history,
      classNames: data.classNames,
    });
    let lastCheckpoint: { path: string; epoch: number } | null = null;
    const saveCheckpoint = async (state: FitState) => {
      if (!paths.checkpoint) return;
      await writeCheckpoint(paths.checkpoint, model!, settings, state, metadata(state.history));
      lastCheckpoint = { path: paths.checkpoint, epoch: state.history.length };
    };
    const keptCheckpoint = () =>
      lastCheckpoint
        ? `the last good checkpoint ${lastCheckpoint.path} (after epoch ${lastCheckpoint.epoch}) is kept: continue with --resume ${lastCheckpoint.path} --lr <smaller>`
        : resumePath
          ? `${resumePath} is unchanged: continue with --resume ${resumePath} --lr <smaller>`
          : 'no checkpoint was written';

    const written: string[] = [];
    const keptNow = () => {
      const files = [...(lastCheckpoint ? [`the checkpoint ${lastCheckpoint.path} (after epoch ${lastCheckpoint.epoch})`] : []), ...written];
      return files.length > 0 ? `kept: ${files.join(', ')}` : resumePath ? `${resumePath} is unchanged` : 'nothing was saved';
    };
    // On a terminal the notice must not land on the live progress bar's line.
    const interrupt = watchInterrupt((line) => context.err(context.output.isTTY ? `\n${line}` : line), { stdout: context.output, kept: keptNow });
    stopWatching = () => interrupt.dispose();
    let history: EpochLogs[];
    let interruptedAt: FitState | null = null;
    const started = performance.now();
    try {
      history = await model.fit(rows, {
        batchSize: settings.batchSize,
        epochs: settings.epochs,
        validationSplit: settings.validationSplit,
        seed: settings.seed,
        output: terminalOutput(context.output),
        resumeFrom,
        shouldStop: () => interrupt.requested,
        onEpochEnd: async (logs, state) => {
          if (logs.valLoss !== undefined && !Number.isFinite(logs.valLoss)) {
            throw new RunError(
              `validation loss became ${logs.valLoss} after epoch ${logs.epoch}: training diverged; lower --lr or change the preset; ${keptCheckpoint()}`,
            );
          }
          await saveCheckpoint(state);
        },
        onInterrupt: async (state) => {
          interruptedAt = state;
          await saveCheckpoint(state);
        },
      });
    } catch (error) {
      if (error instanceof NonFiniteLossError || error instanceof DivergedWeightsError) {
        // Core names the fix in library terms; here it is a flag.
        const finding = error instanceof NonFiniteLossError ? error.finding : error.message;
        throw new RunError(`${finding}: training diverged; lower --lr or change the preset; ${keptCheckpoint()}`);
      }
      throw error;
    }
    // A signal in the very last step still stops nothing: every epoch is done, so the run finishes.
    const trainingDone = interruptedAt === null && history.length >= settings.epochs;
    if (interrupt.requested && !trainingDone) {
      const at = interruptedAt as FitState | null;
      const where = at ? `epoch ${at.epoch}, sample ${at.offset} of ${at.order.length}` : `the end of epoch ${history.length}`;
      throw new Interrupted(
        `${stopCause(interrupt.reason!)}stopped at ${where}; ${
          paths.checkpoint
            ? `checkpoint saved to ${paths.checkpoint}; continue with --resume ${paths.checkpoint}`
            : 'nothing saved (pass --checkpoint or --save to keep progress)'
        }`,
        STOP_REASONS[interrupt.reason!].exitCode,
      );
    }
    // Training is done: a signal now lets the evaluation and the writes finish (a second one quits at once).
    interrupt.finishing();
    const result = await model.evaluate(test, { batchSize: settings.batchSize, verbose: 1, output: terminalOutput(context.output) });
    await signalsDelivered();
    const seconds = (performance.now() - started) / 1000;
    out(`Test loss: ${result.loss.toFixed(4)} - test accuracy: ${result.accuracy.toFixed(4)}`);
    const hint = stallHint({ ...settings, epochs: history.length, testAccuracy: result.accuracy });
    if (hint) out(hint);
    const last = history[history.length - 1];
    out(
      `Wall time: ${seconds.toFixed(1)}s${last ? `; last epoch ${last.samplesPerSecond.toFixed(0)} training samples/s` : ''} on ${backendId(backend)} (${backend.description})`,
    );
    if (paths.save) {
      await saveModel(paths.save, model, { ...metadata(history), test: { loss: result.loss, accuracy: result.accuracy, count: result.count } });
      written.push(`the model ${paths.save}`);
      out(`Saved the model to ${paths.save}`);
    }
    if (paths.report) {
      await writeTrainingReport(paths.report, model, test, {
        title: `LeNet on Fashion-MNIST: ${settings.preset} preset, ${backendId(backend)} backend`,
        facts: [
          ['backend', `${backendId(backend)} (${backend.description})`],
          ['preset', settings.preset],
          ['settings', `batch ${settings.batchSize}, ${model.optimizer.describe()}, seed ${settings.seed}`],
          ['training rows', `${settings.rows} (validation: the last ${Math.round(100 * settings.validationSplit)}%)`],
          ['epochs', String(history.length)],
          ['test images', String(result.count)],
          ['written', new Date().toISOString()],
        ],
        history,
        test: { loss: result.loss, accuracy: result.accuracy },
        classNames: data.classNames,
      });
      written.push(`the report ${paths.report}`);
      out(`Wrote the report to ${paths.report}`);
    }
    await signalsDelivered();
    if (interrupt.requested && interrupt.reason !== 'pipe') {
      throw new Interrupted(
        `${stopCause(interrupt.reason!)}came after training had finished; the evaluation ran to its end and ${written.length > 0 ? `${written.join(', ')} ${written.length > 1 ? 'were' : 'was'} written` : 'there was nothing to write'}`,
        STOP_REASONS[interrupt.reason!].exitCode,
      );
    }
  } finally {
    stopWatching();
    model?.dispose();
    backend.close?.();
  }
}

/** Keras' class names, as the header prints them. */
const OPTIMIZER_NAMES: Readonly<Record<OptimizerKind, string>> = { sgd: 'SGD', adam: 'Adam', rmsprop: 'RMSprop' };

/** The first `limit` rows (a view of the same kind of data), or all of them. */
function firstRows<T extends Dataset>(data: T, limit: number | undefined): T {
  return limit ? { ...data, ...sliceDataset(data, 0, Math.min(limit, data.count)) } : data;
}

function outputPaths(options: TrainOptions): OutputPaths {
  const paths: OutputPaths = {
    save: options.save,
    // A resumed run keeps checkpointing into the file it resumed from, unless told otherwise.
    checkpoint: options.checkpoint ?? (typeof options.resume === 'string' ? options.resume : options.save ? `${options.save}.ckpt` : undefined),
    report: options.report,
  };
  const named: [string, string | undefined, string][] = [
    ['--save', paths.save, 'model file'],
    ['--checkpoint', paths.checkpoint, 'checkpoint'],
    ['--report', paths.report, 'report'],
  ];
  const seen = new Map<string, string>();
  for (const [option, path, what] of named) {
    if (!path) continue;
    const other = seen.get(resolve(path));
    if (other) throw new UsageError(`${option} and ${other} both name ${path}; give each its own file`);
    seen.set(resolve(path), option);
    // Fail now rather than after hours of training.
    assertWritable(path, what, option);
  }
  return paths;
}

function resumeSource(options: TrainOptions, paths: OutputPaths): string | undefined {
  if (options.resume === undefined) return undefined;
  if (options.resume !== true) return options.resume;
  if (!paths.checkpoint) throw new UsageError('--resume needs a checkpoint; pass --resume <file>, or the --checkpoint or --save of the run to continue');
  return paths.checkpoint;
}

/** On --resume, options that define the run come from the checkpoint; naming a different value is a mistake. */
function assertSameRun(settings: RunSettings, options: TrainOptions, command: Command, path: string): void {
  const given = (name: string) => command.getOptionValueSource(name) === 'cli';
  const checks: [string, string, string | number | null | undefined, string | number | null | undefined][] = [
    ['preset', '--preset', options.preset, settings.preset],
    ['seed', '--seed', options.seed, settings.seed],
    ['batchSize', '--batch-size', options.batchSize, settings.batchSize],
    ['limit', '--limit', options.limit, settings.limit],
    ['optimizer', '--optimizer', options.optimizer, settings.optimizer],
  ];
  for (const [name, flag, value, saved] of checks) {
    if (given(name) && value !== saved) {
      throw new UsageError(`${flag} ${value} differs from ${saved ?? 'none'} in ${path}; leave ${flag} out to resume (only --epochs and --lr may change)`);
    }
  }
}
