import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** What a path is, in words for an error message: "a directory", "a FIFO", "a character device"... */
export function fileKind(stat: Stats): string {
  if (stat.isFile()) return 'a regular file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * A path that must be a regular file but is something else. `code` is EISDIR for a directory (what the
 * file system itself would say) and ENOTREG otherwise, so callers can word both like errno errors.
 */
export class NotARegularFileError extends Error {
  override readonly name = 'NotARegularFileError';
  readonly code: 'EISDIR' | 'ENOTREG';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${kind === 'a directory' ? 'EISDIR' : 'ENOTREG'}: ${path} is ${kind}, not a regular file`);
    this.code = kind === 'a directory' ? 'EISDIR' : 'ENOTREG';
  }
}

/** lstat, or undefined when nothing is there (other errors, e.g. ENOTDIR, are thrown). */
export function lstatOrUndefined(path: string): Stats | undefined {
  return lstatSync(path, { throwIfNoEntry: false });
}

/** A regular file larger than a reader accepts; `size` is its size in bytes. */
export class FileTooLargeError extends Error {
  override readonly name = 'FileTooLargeError';
  readonly code = 'EFBIG';
  constructor(
    readonly path: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`EFBIG: ${path} is ${size} bytes, more than the ${maxBytes} accepted`);
  }
}

/**
 * Reads a whole regular file of at most `maxBytes`. A FIFO, a device or a directory is refused before it
 * is opened (stat sizes of special files are 0, so a size guard alone would not stop reading /dev/zero),
 * and the open is non-blocking so a FIFO swapped in meanwhile cannot hang it; the size is checked before
 * reading, and reading stops at `maxBytes` + 1 even if the file grows meanwhile.
 */
export function readRegularFile(path: string, maxBytes: number): Uint8Array {
  const stat = statSync(path);
  if (!stat.isFile()) throw new NotARegularFileError(path, fileKind(stat));
  if (stat.size > maxBytes) throw new FileTooLargeError(path, stat.size, maxBytes);
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new NotARegularFileError(path, fileKind(opened));
    if (opened.size > maxBytes) throw new FileTooLargeError(path, opened.size, maxBytes);
    const buffer = Buffer.allocUnsafe(Math.min(opened.size, maxBytes) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > maxBytes) throw new FileTooLargeError(path, length, maxBytes);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}
