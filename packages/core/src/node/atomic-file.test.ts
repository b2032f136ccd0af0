import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';
import { NotARegularFileError, readRegularFile } from './file-kind.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-ts-atomic-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The pid of a process that has exited: its temp files are stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one, leaving nothing else behind', () => {
    const dir = scratch();
    const path = join(dir, 'model.lenet');
    writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    writeFileAtomic(path, 'replaced');
    expect(readFileSync(path, 'utf8')).toBe('replaced');
    expect(readdirSync(dir)).toEqual(['model.lenet']);
  });

  it('refuses a directory before writing anything', () => {
    const dir = scratch();
    const path = join(dir, 'report.html');
    writeFileSync(path, 'old');
    mkdirSync(join(dir, 'sub'));
    expect(() => writeFileAtomic(join(dir, 'sub'), 'x')).toThrow(/^EISDIR: .*sub is a directory, not a regular file$/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'sub']);
  });

  it('refuses a FIFO (a rename would replace it with a regular file) and leaves it a FIFO', () => {
    const dir = scratch();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(() => writeFileAtomic(fifo, 'x')).toThrow(NotARegularFileError);
    expect(() => writeFileAtomic(fifo, 'x')).toThrow(/ENOTREG: .*pipe is a FIFO \(named pipe\), not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it('writes through a symlink (chain) to its target, keeping the links', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'model.lenet'), 'old');
    symlinkSync(join('real', 'model.lenet'), join(dir, 'link1'));
    symlinkSync('link1', join(dir, 'link2'));
    writeFileAtomic(join(dir, 'link2'), 'new');
    expect(readlinkSync(join(dir, 'link2'))).toBe('link1');
    expect(lstatSync(join(dir, 'link1')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'model.lenet'), 'utf8')).toBe('new');
    expect(readdirSync(join(dir, 'real'))).toEqual(['model.lenet']);
    // A dangling link creates its target.
    symlinkSync(join('real', 'fresh'), join(dir, 'dangling'));
    writeFileAtomic(join(dir, 'dangling'), 'made');
    expect(readFileSync(join(dir, 'real', 'fresh'), 'utf8')).toBe('made');
    expect(lstatSync(join(dir, 'dangling')).isSymbolicLink()).toBe(true);
  });

  it('keeps the permission bits of the file it replaces', () => {
    const dir = scratch();
    const path = join(dir, 'model.lenet');
    writeFileSync(path, 'old');
    chmodSync(path, 0o440);
    writeFileAtomic(path, 'new');
    expect(statSync(path).mode & 0o7777).toBe(0o440);
    chmodSync(path, 0o604);
    writeFileAtomic(path, 'newer');
    expect(statSync(path).mode & 0o7777).toBe(0o604);
    expect(readFileSync(path, 'utf8')).toBe('newer');
  });

  it('removes the temp files a killed writer left, but not those of a live process', () => {
    const dir = scratch();
    const dead = join(dir, `.model.lenet.${deadPid()}.0123abcd.tmp`);
    const live = join(dir, `.model.lenet.${process.ppid}.89abcdef.tmp`);
    const other = join(dir, `.other.lenet.${deadPid()}.0123abcd.tmp`);
    for (const path of [dead, live, other]) writeFileSync(path, 'half');
    writeFileAtomic(join(dir, 'model.lenet'), 'x');
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('rethrows the file system error for a directory it cannot write', () => {
    const dir = scratch();
    expect(() => writeFileAtomic(join(dir, 'missing', 'file'), 'x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(existsSync(join(dir, 'file'))).toBe(false);
  });
});

describe('writeFileAtomic on a full file system (a real 64 kB tmpfs; the tests run as root, as CI does)', () => {
  it('fails with ENOSPC, keeps the old file whole and leaves no temporary file', () => {
    const mountPoint = join(scratch(), 'small');
    mkdirSync(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
    try {
      const path = join(mountPoint, 'model.lenet');
      writeFileAtomic(path, 'old');
      expect(() => writeFileAtomic(path, new Uint8Array(200 * 1024).fill(1))).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(mountPoint)).toEqual(['model.lenet']);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});

describe('readRegularFile', () => {
  it('reads a regular file and refuses FIFOs, devices, directories and files over the limit without blocking', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'f'), 'abc');
    expect(Buffer.from(readRegularFile(join(dir, 'f'), 3)).toString()).toBe('abc');
    expect(() => readRegularFile(join(dir, 'f'), 2)).toThrow(/EFBIG: .*f is 3 bytes, more than the 2 accepted/);
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(() => readRegularFile(join(dir, 'pipe'), 100)).toThrow(/is a FIFO \(named pipe\), not a regular file/);
    expect(() => readRegularFile('/dev/zero', 100)).toThrow(/is a character device, not a regular file/);
    expect(() => readRegularFile(dir, 100)).toThrow(/is a directory, not a regular file/);
  });
});
