import { isPeer } from './peer-target.js';
import { INFER_BATCH, TRAIN_BATCHES } from './plan.js';
import type { ChildResult, Measurement } from './protocol.js';

/** One column of the main table: a task at a batch size. */
export interface Column {
  readonly task: Measurement['task'];
  readonly batchSize: number;
}

/** The main table's measured columns, in order: train b32, train b256, infer b256. */
export const COLUMNS: readonly Column[] = [
  ...TRAIN_BATCHES.map((batchSize) => ({ task: 'train' as const, batchSize })),
  { task: 'infer', batchSize: INFER_BATCH },
];

/** The strongest peer in one column, and its figure. */
export interface BestPeer {
  readonly column: Column;
  readonly peer: ChildResult;
  readonly measurement: Measurement;
}

export function findMeasurement(result: ChildResult, column: Column): Measurement | null {
  return result.measurements.find((m) => m.task === column.task && m.batchSize === column.batchSize) ?? null;
}

/**
 * For each column, the peer that ran and was fastest there (null where none ran). A peer that did not run
 * (torch without a Python that imports it) or trained to a non-finite loss is no yardstick.
 */
export function bestPeers(results: readonly ChildResult[]): (BestPeer | null)[] {
  const peers = results.filter((r) => isPeer(r.target.backend) && r.available && (r.lastLoss === undefined || Number.isFinite(r.lastLoss)));
  return COLUMNS.map((column) => {
    let best: BestPeer | null = null;
    for (const peer of peers) {
      const measurement = findMeasurement(peer, column);
      if (measurement && (!best || measurement.samplesPerSecond > best.measurement.samplesPerSecond)) best = { column, peer, measurement };
    }
    return best;
  });
}

/** The fastest figure of `results` in a column (null where none has one). */
export function strongest(results: readonly ChildResult[], column: Column): Measurement | null {
  let best: Measurement | null = null;
  for (const r of results) {
    const m = findMeasurement(r, column);
    if (m && (!best || m.samplesPerSecond > best.samplesPerSecond)) best = m;
  }
  return best;
}

/** How many times `ours` is `theirs` (NaN where either is missing). */
export function times(ours: Measurement | null, theirs: Measurement | null): number {
  return ours && theirs ? ours.samplesPerSecond / theirs.samplesPerSecond : NaN;
}

/** Issue 18's targets against PyTorch measured in the same run. */
export const TORCH_TARGETS = { trainB32Times: 2.5, inferTimes: 1.5, rssMB: 300 } as const;

export interface Judgement {
  readonly trainB32Times: number;
  readonly inferTimes: number;
  readonly peakRssMB: number;
  readonly met: { readonly trainB32: boolean; readonly infer: boolean; readonly rss: boolean };
}

/**
 * Judges `ours` against the strongest of `references` in each column (torch-peer's rows in the report: every
 * core, one thread) by TORCH_TARGETS.
 */
export function judgeAgainst(ours: ChildResult, references: readonly ChildResult[]): Judgement {
  const against = (column: Column) => times(findMeasurement(ours, column), strongest(references, column));
  const trainB32Times = against({ task: 'train', batchSize: 32 });
  const inferTimes = against({ task: 'infer', batchSize: INFER_BATCH });
  return {
    trainB32Times,
    inferTimes,
    peakRssMB: ours.peakRssMB,
    // NaN compares false: a missing figure is "not met", never met by accident.
    met: { trainB32: trainB32Times >= TORCH_TARGETS.trainB32Times, infer: inferTimes >= TORCH_TARGETS.inferTimes, rss: ours.peakRssMB <= TORCH_TARGETS.rssMB },
  };
}
