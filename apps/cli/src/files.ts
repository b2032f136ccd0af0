import { closeSync, openSync, rmSync, statfsSync, statSync } from 'node:fs';
import { FileTooLargeError, NotARegularFileError, readRegularFile, resolveOutputTarget, writeFileAtomic } from '@lenet-ts/core/node';
import { basename, dirname, join, sep } from 'node:path';
import { RunError } from './run-error.js';

/**
 * Writes a file so that it is either absent, the old version, or complete (core's atomic writer); a
 * failure is one line naming the file and the fix.
 */
export function writeFileAtomically(path: string, bytes: Uint8Array | string, what: string): void {
  try {
    writeFileAtomic(path, bytes);
  } catch (error) {
    throw new RunError(`cannot write the ${what} ${path} (${describeErrno(error)}); pass a path in a writable directory`);
  }
}

/**
 * Fails fast, before any training, when `path` cannot be written: it must name a file (no trailing
 * slash), be absent or a regular file (a symlink counts as its target: the write goes through it), and
 * its directory must exist and take files. Checked by writing and removing a probe file, which also works
 * for root (who passes every permission check) on a read-only file system.
 */
export function assertWritable(path: string, what: string, option: string): void {
  const fix = `pass ${option} a file in an existing, writable directory`;
  if (path.endsWith('/') || path.endsWith(sep))
    throw new RunError(`the ${what} ${path} ends in a slash; ${fix}, e.g. ${path.replace(/[/\\]+$/, '') || '.'}/${what.replace(/ /g, '-')}`);
  try {
    const { target } = resolveOutputTarget(path);
    const probe = join(dirname(target), `.${basename(target)}.${process.pid}.probe`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
    // The rename needs the directory, the probe proved it; an existing read-only file is replaced (as `mv` would).
  } catch (error) {
    if (error instanceof NotARegularFileError) throw new RunError(`the ${what} ${path} is ${notRegular(error)}; ${fix}`);
    throw new RunError(`cannot write the ${what} ${path} (${describeErrno(error)}); ${fix}`);
  }
}

/** A file a run will write, and about how many bytes it will take. */
export interface PlannedOutput {
  readonly path: string;
  readonly bytes: number;
  readonly what: string;
  readonly option: string;
}

/**
 * Fails before training when the outputs will not fit: the files on one file system together need at
 * most its free space (an atomic write holds the old and the new file at once, so a replaced file frees
 * nothing). A full disk found only after training would lose the run.
 */
export function assertSpaceFor(outputs: readonly PlannedOutput[]): void {
  const byDevice = new Map<number, { dir: string; free: number; needed: number; outputs: PlannedOutput[] }>();
  for (const output of outputs) {
    const dir = dirname(resolveOutputTarget(output.path).target);
    const device = statSync(dir).dev;
    let entry = byDevice.get(device);
    if (!entry) {
      const fs = statfsSync(dir);
      entry = { dir, free: fs.bavail * fs.bsize, needed: 0, outputs: [] };
      byDevice.set(device, entry);
    }
    entry.needed += output.bytes;
    entry.outputs.push(output);
  }
  for (const { free, needed, outputs: on } of byDevice.values()) {
    if (needed <= free) continue;
    const what = on.map((o) => `the ${o.what} ${o.path}`).join(' and ');
    throw new RunError(
      `${what} will need about ${kilobytes(needed)} kB, but that file system has ${kilobytes(free)} kB free; free some space or pass ${on.map((o) => o.option).join('/')} a path on another file system`,
    );
  }
}

function kilobytes(bytes: number): string {
  return Math.ceil(bytes / 1024).toString();
}

/**
 * Reads a whole file the user named: it must be a regular file (a FIFO or a device would block or never
 * end) of at most `maxBytes`, checked before reading.
 */
export function readUserFile(path: string, what: string, maxBytes: number, fix: string): Uint8Array {
  try {
    return readRegularFile(path, maxBytes);
  } catch (error) {
    if (error instanceof NotARegularFileError) throw new RunError(`the ${what} ${path} is ${notRegular(error)}; ${fix}`);
    if (error instanceof FileTooLargeError) throw new RunError(`the ${what} ${path} is ${error.size} bytes, more than any ${what} (${maxBytes}); ${fix}`);
    throw new RunError(`cannot read the ${what} ${path} (${describeErrno(error)}); ${fix}`);
  }
}

/** "a directory", or "a FIFO (named pipe), not a regular file". */
function notRegular(error: NotARegularFileError): string {
  return error.code === 'EISDIR' ? error.kind : `${error.kind}, not a regular file`;
}

/** "ENOENT: no such file or directory" from a Node file system error, else its message. */
export function describeErrno(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'a part of the path is not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EISDIR: 'it is a directory',
    ENOSPC: 'no space left on the device',
    ELOOP: 'too many symbolic links',
  };
  if (error instanceof NotARegularFileError) return `${error.code}: it is ${error.kind}, not a regular file`;
  return e.code ? `${e.code}: ${known[e.code] ?? e.message}` : String(e.message ?? e);
}
