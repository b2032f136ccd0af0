import { closeSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomic } from '@lenet-ts/core/node';
import { basename, dirname, join, resolve } from 'node:path';
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
 * Fails fast, before any training, when `path` cannot be written: its directory must exist and take
 * files, and the path must not be a directory. Checked by writing and removing a probe file, which also
 * works for root (who passes every permission check) on a read-only file system.
 */
export function assertWritable(path: string, what: string, option: string): void {
  const dir = dirname(resolve(path));
  const fix = `pass ${option} a file in an existing, writable directory`;
  const probe = join(dir, `.${basename(path)}.${process.pid}.probe`);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new RunError(`the ${what} ${path} is a directory; ${fix}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe, { force: true });
  } catch (error) {
    if (error instanceof RunError) throw error;
    throw new RunError(`cannot write the ${what} ${path} (${describeErrno(error)}); ${fix}`);
  }
}

/** Reads a whole file the user named; refuses files larger than `maxBytes` before reading them. */
export function readUserFile(path: string, what: string, maxBytes: number, fix: string): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new RunError(`the ${what} ${path} is a directory; ${fix}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof RunError) throw error;
    throw new RunError(`cannot read the ${what} ${path} (${describeErrno(error)}); ${fix}`);
  }
  if (size > maxBytes) throw new RunError(`the ${what} ${path} is ${size} bytes, more than any ${what} (${maxBytes}); ${fix}`);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RunError(`cannot read the ${what} ${path} (${describeErrno(error)}); ${fix}`);
  }
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
  };
  return e.code ? `${e.code}: ${known[e.code] ?? e.message}` : String(e.message ?? e);
}
