import { plural } from '../plural.js';
import type { StepCrosscheckReport } from './step-crosscheck.js';
import { QUANTITIES } from './step-crosscheck.js';

const e = (v: number) => (Number.isNaN(v) ? 'NaN' : v.toExponential(2));

/** The step cross-check as a fixed-width table and a one-line verdict. */
export function formatStepReport(report: StepCrosscheckReport): string {
  const rows: string[][] = [['backend', 'quantity', 'max abs err', 'max rel err', 'scaled err', 'worst layer', 'step', 'verdict']];
  for (const b of report.backends) {
    for (const q of QUANTITIES) {
      const w = b.worst[q];
      if (!w) continue;
      rows.push([b.label, q, e(w.maxAbs), e(w.maxRel), e(w.scaled), w.name, String(w.step), w.scaled <= report.tolerance ? 'ok' : 'FAIL']);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
  const ran = report.backends.map((b) => `  ${b.label} ran as ${b.ran}`);
  const failed = report.backends.filter((b) => !b.pass).map((b) => b.label);
  const verdict = report.pass
    ? `PASS: every backend within ${report.tolerance} (scaled error) of ${report.reference} over ${plural(report.steps, 'step')}`
    : `FAIL: ${failed.join(', ')} ${failed.length === 1 ? 'exceeds' : 'exceed'} ${report.tolerance} (scaled error) against ${report.reference}`;
  // max abs and max rel err are shown to explain a verdict; near-zero values inflate the relative error.
  const judged = `Only the scaled error (max|a-b| / max|b| over a tensor) is judged against --tolerance ${report.tolerance}; max abs and max rel err are for reading.`;
  return [`Reference: ${report.reference}`, ...ran, '', ...table, '', judged, verdict].join('\n');
}

export interface RunComparison {
  readonly label: string;
  readonly ran: string;
  readonly loss: number;
  readonly accuracy: number;
  readonly valAccuracy: number | undefined;
  readonly testAccuracy: number;
  readonly samplesPerSecond: number;
}

/** Whole-run results side by side. */
export function formatRunComparison(runs: readonly RunComparison[]): string {
  const rows = [['backend', 'loss', 'accuracy', 'val_accuracy', 'test_accuracy', 'samples/s', 'ran as']];
  for (const r of runs) {
    rows.push([
      r.label,
      r.loss.toFixed(4),
      r.accuracy.toFixed(4),
      r.valAccuracy?.toFixed(4) ?? '-',
      r.testAccuracy.toFixed(4),
      r.samplesPerSecond.toFixed(0),
      r.ran,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
