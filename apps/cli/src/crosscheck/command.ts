import { installedBackendIds, providers } from '@lenet-ts/backends';
import { backendId, Engine, sliceDataset, type Backend, type Dataset, type OptimizerKind } from '@lenet-ts/core';
import { createLeNet, presets } from '@lenet-ts/lenet';
import type { Command } from 'commander';
import { createBackend, resolveBackend, UsageError } from '../backends.js';
import { addDataDirOption, addOptimizerOption, addRecipeOptions } from '../command-options.js';
import { loadData, type DatasetName } from '../data.js';
import { writeFileAtomically } from '../files.js';
import { lineWriter, type CliIo } from '../io.js';
import { positiveInt, positiveNumber } from '../options.js';
import { userPath } from '../paths.js';
import { formatRunComparison, formatStepReport, type RunComparison } from './format.js';
import { stepCrosscheck, type Participant } from './step-crosscheck.js';

interface CrosscheckOptions {
  backends: string;
  reference: string;
  steps: number;
  tolerance: number;
  json?: string;
  epochs?: number;
  limit?: number;
  preset: string;
  seed: number;
  /** sgd, adam or rmsprop; absent: the preset's (SGD). */
  optimizer?: OptimizerKind;
  batchSize?: number;
  dataDir?: string;
  dataset?: DatasetName;
}

/** Thrown when a backend exceeds the tolerance: the command's exit code becomes 1. */
export class CrosscheckFailed extends Error {
  override readonly name = 'CrosscheckFailed';
}

export function registerCrosscheck(program: Command, io: CliIo): void {
  const command = program
    .command('crosscheck')
    .description('train the same LeNet on several backends from the same weights and batches and compare them')
    .option(
      '--backends <list>',
      `comma-separated backends, each name or name:mode (${installedBackendIds().join(', ')})`,
      providers.map((p) => p.name).join(','),
    )
    .option('--reference <backend>', 'backend the others are compared against', 'cpu')
    .option('--steps <n>', 'training steps to compare layer by layer', positiveInt, 20)
    .option('--tolerance <x>', 'largest allowed max|a-b|/max|b| for any tensor', positiveNumber, 1e-3)
    .option('--json <file>', 'also write the full report as JSON', userPath)
    .option('--epochs <n>', 'instead: train N epochs on each backend and compare loss, accuracy and speed', positiveInt)
    .option('--limit <n>', 'with --epochs: train on the first N rows', positiveInt);
  addDataDirOption(
    addOptimizerOption(addRecipeOptions(command, 'seed for the shared initial weights and the batch order')).option(
      '--batch-size <n>',
      "batch size (default: the preset's)",
      positiveInt,
    ),
  ).action(async (options: CrosscheckOptions) => crosscheck(options, lineWriter(io.stdout), io));
}

async function crosscheck(options: CrosscheckOptions, write: (line: string) => void, io: CliIo): Promise<void> {
  const specs = options.backends
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const labels = [options.reference, ...specs.filter((s) => s !== options.reference)];
  // Every id is checked before data loads or any backend starts.
  for (const label of labels) resolveBackend(label);
  if (labels.length < 2) throw new UsageError(`--backends must name at least one backend besides the reference ${options.reference}`);
  const preset = presets[options.preset]!;
  const batchSize = options.batchSize ?? preset.batchSize;
  const data = await loadData(options.dataDir, io.data, options.dataset);
  const participants: Participant[] = [];
  try {
    for (const label of labels) participants.push({ label, backend: await createBackend(label) });
    if (options.epochs) {
      const train = options.limit ? sliceDataset(data.train, 0, Math.min(options.limit, data.train.count)) : data.train;
      const runs: RunComparison[] = [];
      for (const p of participants) {
        write(`Training ${options.epochs} epoch(s) on ${p.label} (${p.backend.description}) ...`);
        runs.push(await wholeRun(p.backend, p.label, options, train, data.test, batchSize));
      }
      write(formatRunComparison(runs));
      return;
    }
    const report = await stepCrosscheck(participants, {
      preset,
      seed: options.seed,
      optimizer: options.optimizer,
      steps: options.steps,
      batchSize,
      tolerance: options.tolerance,
      data: data.train,
    });
    write(formatStepReport(report));
    if (options.json) {
      writeFileAtomically(options.json, `${JSON.stringify(report, null, 2)}\n`, 'cross-check report');
      write(`Full report: ${options.json}`);
    }
    if (!report.pass)
      throw new CrosscheckFailed(
        `cross-check failed for ${report.backends
          .filter((b) => !b.pass)
          .map((b) => b.label)
          .join(', ')}`,
      );
  } finally {
    for (const p of participants) p.backend.close?.();
  }
}

async function wholeRun(backend: Backend, label: string, options: CrosscheckOptions, train: Dataset, test: Dataset, batchSize: number): Promise<RunComparison> {
  const preset = presets[options.preset]!;
  const model = createLeNet(new Engine(backend), { preset, seed: options.seed, optimizer: options.optimizer });
  const history = await model.fit(train, { batchSize, epochs: options.epochs!, validationSplit: preset.validationSplit, seed: options.seed, verbose: 0 });
  const result = await model.evaluate(test, { batchSize });
  const last = history[history.length - 1]!;
  model.dispose();
  return {
    label,
    ran: `${backendId(backend)}: ${backend.description}`,
    loss: last.loss,
    accuracy: last.accuracy,
    valAccuracy: last.valAccuracy,
    testAccuracy: result.accuracy,
    samplesPerSecond: last.samplesPerSecond,
  };
}
