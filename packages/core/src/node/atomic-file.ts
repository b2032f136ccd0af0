import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileKind, lstatOrUndefined, NotARegularFileError } from './file-kind.js';

/** Temporary files being written now, so an abrupt exit (a second Ctrl-C) can remove them. */
const pending = new Set<string>();

/** Symlinks followed before giving up (the kernel's own limit is 40). */
const MAX_LINKS = 40;

/**
 * The file a write to `path` lands in: a symlink (or a chain of them) is followed to its target, so the
 * link stays a link; the target itself must be absent or a regular file. Anything else (a directory, a
 * device node, a FIFO, a socket) is refused with a NotARegularFileError before any work, because a
 * rename would replace it with a regular file (as root, even /dev/null).
 */
export function resolveOutputTarget(path: string): { target: string; existing?: Stats } {
  let target = resolve(path);
  for (let links = 0; ; links++) {
    const stat = lstatOrUndefined(target);
    if (!stat) return { target };
    if (stat.isFile()) return { target, existing: stat };
    if (!stat.isSymbolicLink()) throw new NotARegularFileError(path, fileKind(stat));
    if (links === MAX_LINKS) throw Object.assign(new Error(`ELOOP: too many symbolic links in ${path}`), { code: 'ELOOP', path });
    target = resolve(dirname(target), readlinkSync(target));
  }
}

/**
 * Writes a file so that readers see it absent, the old version, or complete: the bytes go to a fresh
 * temporary file beside it (same file system, so the rename is atomic), are flushed to disk, then renamed
 * over the target. A symlink is written through (its target is replaced), a replaced file keeps its
 * permission bits, and a path that is not a regular file is refused (see resolveOutputTarget). On
 * failure the temporary file is removed and the file system's error is rethrown for the caller to word
 * (models, checkpoints, reports, downloads all say different things).
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string): void {
  const { target, existing } = resolveOutputTarget(path);
  removeStaleTempFiles(target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(temp);
  try {
    const fd = openSync(temp, 'wx', existing ? existing.mode & 0o7777 : 0o666);
    try {
      // openSync's mode is masked by the umask; an existing file's bits are restored exactly.
      if (existing) fchmodSync(fd, existing.mode & 0o7777);
      const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
      for (let written = 0; written < data.length;) written += writeSync(fd, data, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
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

/**
 * A process killed during a write (SIGKILL, power loss) leaves `.NAME.PID.HEX.tmp` beside NAME; the next
 * write to NAME removes those whose process is gone. A live process's temp file is left alone: it may be
 * another run writing the same file right now.
 */
export function removeStaleTempFiles(target: string): string[] {
  const dir = dirname(target);
  const prefix = `.${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return []; // the write itself will report the directory's problem
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length));
    if (!match || isAlive(Number(match[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
