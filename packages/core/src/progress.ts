import type { LiveBar, OutputStream } from './output-stream.js';

export type { OutputStream } from './output-stream.js';

/** Metrics shown for a step or an epoch, in insertion order (Keras order: loss, accuracy, val_...). */
export type Logs = Readonly<Record<string, number>>;

/**
 * Keras (TF 2.0) `Progbar` output. Each epoch ends with the exact Keras line
 * `54000/54000 [==============================] - 13s 238us/sample - loss: 1.4932 - accuracy: 0.4121`;
 * on a TTY whose output can draw one (`liveBar`), a live bar with ETA runs while the epoch does.
 */
export class KerasProgbar {
  private bar: LiveBar | null = null;
  private startMs = 0;
  private logs: Logs = {};

  constructor(
    private readonly target: number,
    private readonly stream: OutputStream,
    private readonly live = Boolean(stream.isTTY && stream.liveBar !== undefined),
  ) {}

  start(): void {
    this.startMs = performance.now();
    if (!this.live || !this.stream.liveBar) return;
    this.bar = this.stream.liveBar(this.target, (current) => this.liveLine(current));
  }

  update(current: number, logs: Logs): void {
    this.logs = logs;
    this.bar?.update(current);
  }

  /** Stops the live bar without a final line (the epoch was interrupted). */
  abort(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** Stops the live bar and prints the final Keras line (with `extra`, e.g. validation metrics). */
  finish(logs: Logs): number {
    const seconds = (performance.now() - this.startMs) / 1000;
    this.bar?.stop();
    this.bar = null;
    this.stream.write(`${formatFinalLine(this.target, seconds, logs)}\n`);
    return seconds;
  }

  private liveLine(current: number): string {
    const elapsed = (performance.now() - this.startMs) / 1000;
    const eta = current > 0 ? (elapsed / current) * (this.target - current) : 0;
    return `${counter(current, this.target)} ${bar(current, this.target)} - ETA: ${formatEta(eta)}${formatLogs(this.logs)}`;
  }
}

/** `54000/54000 [====...] - 13s 238us/sample - loss: 1.4932 - ...` */
export function formatFinalLine(target: number, seconds: number, logs: Logs): string {
  return `${counter(target, target)} ${bar(target, target)} - ${seconds.toFixed(0)}s ${perSample(seconds / target)}${formatLogs(logs)}`;
}

/** Keras verbose=2 evaluate line: `10000/10000 - 1s - loss: 0.5165 - accuracy: 0.7527`. */
export function formatEvaluateLine(count: number, seconds: number, logs: Logs): string {
  return `${count}/${count} - ${seconds.toFixed(0)}s${formatLogs(logs)}`;
}

function counter(current: number, target: number): string {
  return `${String(current).padStart(String(target).length)}/${target}`;
}

/** Keras draws 30 cells: '=' for done, '>' at the head while running, '.' for the rest. */
function bar(current: number, target: number, width = 30): string {
  const done = Math.floor((width * current) / target);
  let cells = '';
  if (done > 0) cells += '='.repeat(done - 1) + (current < target ? '>' : '=');
  return `[${cells}${'.'.repeat(width - done)}]`;
}

function perSample(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(0)}s/sample`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/sample`;
  return `${(seconds * 1e6).toFixed(0)}us/sample`;
}

function formatEta(seconds: number): string {
  const s = Math.round(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

/** Keras prints `%.4f`, or `%.4e` for tiny values. */
export function formatLogs(logs: Logs): string {
  let out = '';
  for (const [name, value] of Object.entries(logs)) {
    out += ` - ${name}: ${Math.abs(value) > 1e-3 || value === 0 ? value.toFixed(4) : value.toExponential(4)}`;
  }
  return out;
}
