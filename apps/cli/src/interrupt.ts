import { removePendingTempFiles } from '@lenet-ts/core/node';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * What stops a run early, and the exit code shells expect for it (128 + the signal's number). SIGTERM is
 * what `timeout`, `kill` and `docker stop` send, SIGHUP a closed terminal; a closed stdout (`| head`) is
 * taken as SIGPIPE would be, without the abrupt death.
 */
export const STOP_REASONS = {
  SIGINT: { exitCode: 130, name: 'Ctrl-C' },
  SIGTERM: { exitCode: 143, name: 'SIGTERM' },
  SIGHUP: { exitCode: 129, name: 'SIGHUP' },
  pipe: { exitCode: 141, name: 'a closed stdout' },
} as const;
export type StopReason = keyof typeof STOP_REASONS;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Where the run is: the notice says what a signal will do there. */
export type RunPhase = 'training' | 'finishing';

export interface InterruptWatch {
  /** True once a signal came (or stdout was closed). */
  readonly requested: boolean;
  /** The first thing that asked to stop. */
  readonly reason: StopReason | null;
  /** The phase the first request came in. */
  readonly requestedIn: RunPhase | null;
  /** Past training: the evaluation and the writes are finished before stopping. */
  finishing(): void;
  dispose(): void;
}

export interface WatchOptions {
  /** The stream whose EPIPE (a reader that went away) asks the run to stop. */
  readonly stdout?: NodeJS.WritableStream;
  /** What is on disk right now, for a second signal that quits at once, e.g. "checkpoint X (after epoch 2) is kept". */
  readonly kept?: () => string;
}

/**
 * The first SIGINT, SIGTERM or SIGHUP asks the run to stop after its current step (it then saves a
 * checkpoint); once training is over it lets the evaluation and the writes finish. A second one quits at
 * once, removing any half-written file and saying what is kept.
 */
export function watchInterrupt(notify: (line: string) => void, options: WatchOptions = {}): InterruptWatch {
  let reason: StopReason | null = null;
  let phase: RunPhase = 'training';
  let requestedIn: RunPhase | null = null;
  const again = (signal: StopReason) => (signal === 'SIGINT' ? 'press Ctrl-C again' : `send ${signal} again`);
  const request = (signal: StopReason) => {
    reason = signal;
    requestedIn = phase;
  };
  const onSignal = (signal: (typeof SIGNALS)[number]) => {
    if (reason !== null && reason !== 'pipe') {
      removePendingTempFiles();
      notify(`interrupted: quit at once${options.kept ? `; ${options.kept()}` : ''}`);
      process.exit(STOP_REASONS[signal].exitCode);
    }
    request(signal);
    const by = signal === 'SIGINT' ? '' : `${signal}: `;
    notify(
      phase === 'training'
        ? `interrupt: ${by}stopping after the current step (${again(signal)} to quit without saving)`
        : `interrupt: ${by}finishing the final evaluation and writing the outputs (${again(signal)} to quit at once)`,
    );
  };
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' && reason === null) request('pipe');
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  options.stdout?.on('error', onStdoutError);
  return {
    get requested() {
      return reason !== null;
    },
    get reason() {
      return reason;
    },
    get requestedIn() {
      return requestedIn;
    },
    finishing() {
      phase = 'finishing';
    },
    dispose() {
      for (const signal of SIGNALS) process.off(signal, onSignal);
      options.stdout?.off('error', onStdoutError);
    },
  };
}

/**
 * Signal handlers run on an event-loop turn, and awaiting settled promises gives none: a signal that came
 * during a long stretch of main-thread work would otherwise be lost when the watch is disposed.
 */
export function signalsDelivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How an interruption message starts: nothing for Ctrl-C (the usual case), else what stopped the run. */
export function stopCause(reason: StopReason): string {
  return reason === 'SIGINT' ? '' : reason === 'pipe' ? 'stdout was closed: ' : `${reason}: `;
}
