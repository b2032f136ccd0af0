/**
 * A run that cannot go on for a reason the user can fix (a file that cannot be written, a checkpoint
 * that does not fit the data): printed as one `error:` line, exit code 1.
 */
export class RunError extends Error {
  override readonly name = 'RunError';
}

/**
 * A signal (or a closed stdout) stopped the run after saving what it could; the CLI exits with 128 + the
 * signal's number (130 for Ctrl-C, 143 SIGTERM, 129 SIGHUP, 141 a closed pipe), as shells expect.
 */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(
    message: string,
    readonly exitCode = 130,
  ) {
    super(message);
  }
}
