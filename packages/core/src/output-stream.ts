/**
 * Where progress text goes: anything with `write`, e.g. Node's `process.stdout`. `isTTY` asks for the live
 * progress bar, which redraws its line in place.
 */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /**
   * Draws a self-redrawing progress line on a terminal (`terminalOutput` in `@lenet-ts/core/node` gives one);
   * without it a TTY still gets the final Keras lines, just no live bar.
   */
  liveBar?(target: number, format: (current: number) => string): LiveBar;
}

/** A progress line redrawn in place while an epoch runs. */
export interface LiveBar {
  update(current: number): void;
  /** Clears the line (the final Keras line is written after it). */
  stop(): void;
}

/**
 * The output `fit` and `evaluate` print to when given none: whole lines through `console.log`, which every
 * JavaScript runtime has (core's main entry stays free of Node's `process`, for browsers and workers). In
 * Node it puts on stdout exactly the bytes written here. It is not a TTY, so there is no live bar: pass
 * `output: process.stdout` for one.
 */
export function consoleLines(console: Pick<Console, 'log'> = globalThis.console): OutputStream {
  let pending = '';
  return {
    isTTY: false,
    write(text: string) {
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      // '%s' keeps a '%' in the text from being read as a format directive.
      for (const line of lines) console.log('%s', line);
      return true;
    },
  };
}
