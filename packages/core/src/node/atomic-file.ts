import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Temporary files being written now, so an abrupt exit (a second Ctrl-C) can remove them. */
const pending = new Set<string>();

/**
 * Writes a file so that readers see it absent, the old version, or complete: the bytes go to a fresh
 * temporary file beside it (same file system, so the rename is atomic), are flushed to disk, then renamed
 * over the target. On failure the temporary file is removed and the file system's error is rethrown for
 * the caller to word (models, checkpoints, reports, downloads all say different things).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(temp);
  try {
    const fd = openSync(temp, 'wx');
    try {
      const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    pending.delete(temp);
  }
}

/** Removes the temporary files of writes still in progress (for an exit that cannot wait for them). */
export function removePendingTempFiles(): void {
  for (const temp of pending) rmSync(temp, { force: true });
}
