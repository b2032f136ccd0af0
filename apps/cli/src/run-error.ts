/**
 * A run that cannot go on for a reason the user can fix (a file that cannot be written, a checkpoint
 * that does not fit the data): printed as one `error:` line, exit code 1.
 */
export class RunError extends Error {
  override readonly name = 'RunError';
}

/** Ctrl-C stopped the run after saving what it could; the CLI exits with 130, as shells expect. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}
