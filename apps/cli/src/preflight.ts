// The checks a training run makes before its first step, so that nothing fails only after hours of work:
// its checkpoint is its own, whole batches are possible, and its outputs fit their file system.
import { encodeModel, type Sequential } from '@lenet-ts/core';
import { resolveOutputTarget } from '@lenet-ts/core/node';
import { UsageError } from './backends.js';
import { fittedRows, type RunSettings } from './checkpoint.js';
import { assertSpaceFor, type PlannedOutput } from './files.js';

/** Where a run writes: the model, the per-epoch checkpoint (by default `<save>.ckpt`) and the report. */
export interface OutputPaths {
  readonly save?: string;
  readonly checkpoint?: string;
  readonly report?: string;
}

/**
 * A checkpoint file is written over after every epoch: one that exists and is not the file this run
 * resumes from (another run's checkpoint, a model someone named by mistake) is refused unless --overwrite.
 */
export function assertOwnCheckpoint(checkpoint: string | undefined, resumePath: string | undefined, overwrite: boolean): void {
  if (!checkpoint || overwrite) return;
  const { target, existing } = resolveOutputTarget(checkpoint);
  if (!existing || (resumePath !== undefined && sameTarget(resumePath, target))) return;
  throw new UsageError(
    `the checkpoint ${checkpoint} already exists and this run does not resume from it; pass --resume ${checkpoint} to continue that run, or --overwrite to replace it`,
  );
}

function sameTarget(path: string, target: string): boolean {
  try {
    return resolveOutputTarget(path).target === target;
  } catch {
    return false; // not a regular file: reading it as a checkpoint will say so
  }
}

/** Headers, metadata and history are JSON of a few kB; this leaves room for long histories. */
const HEADER_ALLOWANCE = 64 * 1024;
/** The report is one HTML page with a few charts and image grids. */
const REPORT_ALLOWANCE = 2 * 2 ** 20;

/** Sizes what the run will write (the weights are the bulk: as large now as after training) and checks it fits. */
export async function assertOutputsFit(paths: OutputPaths, model: Sequential, settings: RunSettings): Promise<void> {
  const weights = (await encodeModel(model)).length;
  const planned: PlannedOutput[] = [];
  if (paths.save) planned.push({ path: paths.save, bytes: weights + HEADER_ALLOWANCE, what: 'model file', option: '--save' });
  if (paths.checkpoint) {
    // Weights, the optimizer's slots (SGD one velocity, Adam m and v, RMSprop v per weight) and the uint32 training-row order.
    const slots = model.optimizer.slots().size;
    planned.push({
      path: paths.checkpoint,
      bytes: (1 + slots) * weights + 4 * fittedRows(settings) + HEADER_ALLOWANCE,
      what: 'checkpoint',
      option: '--checkpoint',
    });
  }
  if (paths.report) planned.push({ path: paths.report, bytes: REPORT_ALLOWANCE, what: 'report', option: '--report' });
  assertSpaceFor(planned);
}

/** A limit above what the data holds is not an error, but the run says what it uses instead. */
export function announceClamp(out: (line: string) => void, option: string, limit: number | null | undefined, available: number, what: string): void {
  if (limit && limit > available) out(`Note: ${option} ${limit} is more than the ${available} ${what}; using all ${available}`);
}

/**
 * Fit trains on whole batches only: rows that leave no full batch after the validation split would train
 * on nothing (a NaN loss, and a checkpoint its own --resume refuses).
 */
export function assertFullBatch(settings: RunSettings, available: number): void {
  const trained = fittedRows(settings);
  if (trained >= settings.batchSize) return;
  let needed = settings.batchSize;
  while (fittedRows({ rows: needed, validationSplit: settings.validationSplit }) < settings.batchSize) needed++;
  const split = settings.validationSplit > 0 ? ` after the ${Math.round(100 * settings.validationSplit)}% validation split` : '';
  const fixes = [...(needed <= available ? [`--limit ${needed} or more`] : []), ...(trained > 0 ? [`a --batch-size of at most ${trained}`] : [])];
  throw new UsageError(
    `${settings.rows} training rows leave ${trained}${split}, less than one batch of ${settings.batchSize}; ${fixes.length > 0 ? `pass ${fixes.join(', or ')}` : 'use a larger data set'}`,
  );
}
