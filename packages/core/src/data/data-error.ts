/** What went wrong, so callers (the CLI, tests) can react without parsing messages. */
export type DataErrorCode =
  | 'not-found' // no complete copy of the data set anywhere we looked
  | 'invalid' // a file is not a well-formed IDX file, or its contents break the data set's rules
  | 'checksum' // a file's uncompressed SHA-256 differs from the expected one
  | 'download' // the mirror could not be reached, answered with an error, or sent too little
  | 'unwritable'; // the target directory cannot be created or written

/** A data error a user can hit: one line that names the problem and, where there is one, the fix. */
export class DataError extends Error {
  override readonly name = 'DataError';

  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
  }
}
