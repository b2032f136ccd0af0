import { removePendingTempFiles } from '@lenet-ts/core/node';

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

export interface InterruptWatch {
  /** True once Ctrl-C was pressed. */
  readonly requested: boolean;
  dispose(): void;
}

/**
 * The first Ctrl-C asks the run to stop after its current step (it then saves a checkpoint); a second
 * one quits at once, removing any half-written file.
 */
export function watchInterrupt(notify: (line: string) => void): InterruptWatch {
  let requested = false;
  const onSignal = () => {
    if (requested) {
      removePendingTempFiles();
      process.exit(EXIT_INTERRUPTED);
    }
    requested = true;
    notify('interrupt: stopping after the current step (press Ctrl-C again to quit without saving)');
  };
  process.on('SIGINT', onSignal);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off('SIGINT', onSignal);
    },
  };
}
