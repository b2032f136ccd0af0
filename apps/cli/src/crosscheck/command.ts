import { Engine, sliceDataset, type Backend, type Dataset } from '@lenet-ts/core';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { createLeNet, presets } from '@lenet-ts/lenet';
import { Option, type Command } from 'commander';
import { BACKENDS, createBackend, UsageError } from '../backends.js';
import { writeFileAtomically } from '../files.js';
import { positiveInt, positiveNumber } from '../options.js';
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
  batchSize?: number;
  dataDir?: string;
}

/** Thrown when a backend exceeds the tolerance: the command's exit code becomes 1. */
export class CrosscheckFailed extends Error {
  override readonly name = 'CrosscheckFailed';
}

/** `name` or `name:mode`, e.g. `tfjs:wasm`; checked against the registry before anything runs. */
export function parseBackendSpec(spec: string): { name: string; mode?: string } {
  const [name, mode, extra] = spec.split(':');
  const entry = BACKENDS[name!];
  if (!entry || extra !== undefined) {
    throw new UsageError(`unknown backend "${spec}"; use name or name:mode with a name from: ${Object.keys(BACKENDS).join(', ')}`);
  }
  if (mode !== undefined && !(entry.modes ?? []).includes(mode)) {
    throw new UsageError(`unknown mode "${mode}" for ${name}; choose one of: ${(entry.modes ?? []).join(', ') || '(none)'}`);
  }
  return mode === undefined ? { name: name! } : { name: name!, mode };
}

export function registerCrosscheck(program: Command, write: (line: string) => void): void {
  program
    .command('crosscheck')
    .description('train the same LeNet on several backends from the same weights and batches and compare them')
    .option('--backends <list>', 'comma-separated backends, each name or name:mode', Object.keys(BACKENDS).join(','))
    .option('--reference <backend>', 'backend the others are compared against', 'cpu')
    .option('--steps <n>', 'training steps to compare layer by layer', positiveInt, 20)
    .option('--tolerance <x>', 'largest allowed max|a-b|/max|b| for any tensor', positiveNumber, 1e-3)
    .option('--json <file>', 'also write the full report as JSON')
    .option('--epochs <n>', 'instead: train N epochs on each backend and compare loss, accuracy and speed', positiveInt)
    .option('--limit <n>', 'with --epochs: train on the first N rows', positiveInt)
    .addOption(new Option('-p, --preset <name>', 'training recipe').choices(Object.keys(presets)).default('d2l'))
    .option('--seed <n>', 'seed for the shared initial weights', positiveInt, 1)
    .option('--batch-size <n>', 'batch size (default: the preset\'s)', positiveInt)
    .option('--data-dir <dir>', 'directory with the Fashion-MNIST IDX files')
    .action(async (options: CrosscheckOptions) => crosscheck(options, write));
}

async function crosscheck(options: CrosscheckOptions, write: (line: string) => void): Promise<void> {
  const specs = options.backends.split(',').map((s) => s.trim()).filter(Boolean);
  const labels = [options.reference, ...specs.filter((s) => s !== options.reference)];
  const choices = labels.map(parseBackendSpec);
  if (labels.length < 2) throw new UsageError(`--backends must name at least one backend besides the reference ${options.reference}`);
  const preset = presets[options.preset]!;
  const batchSize = options.batchSize ?? preset.batchSize;
  const data = await loadFashionMnist({ dataDir: options.dataDir });
  const participants: Participant[] = [];
  try {
    for (const [i, choice] of choices.entries()) participants.push({ label: labels[i]!, backend: await createBackend(choice) });
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
    if (!report.pass) throw new CrosscheckFailed(`cross-check failed for ${report.backends.filter((b) => !b.pass).map((b) => b.label).join(', ')}`);
  } finally {
    for (const p of participants) p.backend.close?.();
  }
}

async function wholeRun(
  backend: Backend,
  label: string,
  options: CrosscheckOptions,
  train: Dataset,
  test: Dataset,
  batchSize: number,
): Promise<RunComparison> {
  const preset = presets[options.preset]!;
  const model = createLeNet(new Engine(backend), { preset, seed: options.seed });
  const history = await model.fit(train, { batchSize, epochs: options.epochs!, validationSplit: preset.validationSplit, seed: options.seed, verbose: 0 });
  const result = await model.evaluate(test, { batchSize });
  const last = history[history.length - 1]!;
  model.dispose();
  return {
    label,
    ran: `${backend.name}: ${backend.description}`,
    loss: last.loss,
    accuracy: last.accuracy,
    valAccuracy: last.valAccuracy,
    testAccuracy: result.accuracy,
    samplesPerSecond: last.samplesPerSecond,
  };
}
