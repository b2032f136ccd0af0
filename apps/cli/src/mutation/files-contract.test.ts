// The CLI's file checks and messages, each in its own words (what survived mutation of files.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotARegularFileError } from '@lenet-ts/core/node';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSpaceFor, assertWritable, describeErrno, readUserFile, writeFileAtomically } from '../files.js';
import { RunError } from '../run-error.js';
import { removeTempDirs, tempDir } from '../test-support/fixtures.js';

afterAll(removeTempDirs);

function runError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RunError);
    return (error as Error).message;
  }
  throw new Error('expected a RunError');
}

describe('assertWritable', () => {
  const fix = 'pass --report a file in an existing, writable directory';

  it('refuses a trailing slash, suggesting a file name in that directory', () => {
    expect(runError(() => assertWritable('out/', 'training report', '--report'))).toBe(
      `the training report out/ ends in a slash; ${fix}, e.g. out/training-report`,
    );
    expect(runError(() => assertWritable('out//', 'model', '--report'))).toBe(`the model out// ends in a slash; ${fix}, e.g. out/model`);
    expect(runError(() => assertWritable('/', 'model', '--report'))).toBe(`the model / ends in a slash; ${fix}, e.g. ./model`);
    // Only the trailing slashes go: the directories before them stay.
    expect(runError(() => assertWritable('runs/today/', 'model', '--report'))).toBe(`the model runs/today/ ends in a slash; ${fix}, e.g. runs/today/model`);
  });

  it('accepts a new file in a writable directory and leaves nothing behind', () => {
    const dir = tempDir();
    assertWritable(join(dir, 'm.lenet'), 'model', '--save');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names a directory and a FIFO for what they are', () => {
    const dir = tempDir();
    expect(runError(() => assertWritable(dir, 'model', '--report'))).toBe(`the model ${dir} is a directory; ${fix}`);
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(runError(() => assertWritable(fifo, 'model', '--report'))).toBe(`the model ${fifo} is a FIFO (named pipe), not a regular file; ${fix}`);
  });

  it('says why a path in a missing directory cannot be written', () => {
    const path = join(tempDir(), 'missing', 'm.lenet');
    expect(runError(() => assertWritable(path, 'model', '--report'))).toBe(`cannot write the model ${path} (ENOENT: no such file or directory); ${fix}`);
  });
});

describe('assertSpaceFor', () => {
  it('adds up the outputs on one file system and names them all with their options, in kB', () => {
    const dir = tempDir();
    const huge = 2 ** 60;
    const message = runError(() =>
      assertSpaceFor([
        { path: join(dir, 'a'), bytes: huge, what: 'model', option: '--save' },
        { path: join(dir, 'b'), bytes: 1024, what: 'checkpoint', option: '--checkpoint' },
      ]),
    );
    expect(message).toMatch(
      new RegExp(
        `^the model ${join(dir, 'a')} and the checkpoint ${join(dir, 'b')} will need about ${(huge + 1024) / 1024} kB, but that file system has \\d+ kB free; free some space or pass --save/--checkpoint a path on another file system$`,
      ),
    );
    expect(() => assertSpaceFor([{ path: join(dir, 'c'), bytes: 1, what: 'model', option: '--save' }])).not.toThrow();
  });
});

describe('readUserFile', () => {
  const fix = 'pass a file written by `lenet train --save`';

  it('reads a regular file within the limit', () => {
    const path = join(tempDir(), 'f');
    writeFileSync(path, Uint8Array.of(1, 2, 3));
    expect(Array.from(readUserFile(path, 'model file', 3, fix))).toEqual([1, 2, 3]);
  });

  it('refuses a directory, a FIFO, a file over the limit and a missing file, each in one line', () => {
    const dir = tempDir();
    expect(runError(() => readUserFile(dir, 'model file', 10, fix))).toBe(`the model file ${dir} is a directory; ${fix}`);
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(runError(() => readUserFile(fifo, 'model file', 10, fix))).toBe(`the model file ${fifo} is a FIFO (named pipe), not a regular file; ${fix}`);
    const big = join(dir, 'big');
    writeFileSync(big, new Uint8Array(10));
    expect(runError(() => readUserFile(big, 'model file', 5, fix))).toBe(`the model file ${big} is 10 bytes, more than any model file (5); ${fix}`);
    const missing = join(dir, 'missing');
    expect(runError(() => readUserFile(missing, 'model file', 5, fix))).toBe(
      `cannot read the model file ${missing} (ENOENT: no such file or directory); ${fix}`,
    );
  });
});

describe('writeFileAtomically', () => {
  it('says what could not be written and why', () => {
    const path = join(tempDir(), 'missing', 'r.html');
    expect(runError(() => writeFileAtomically(path, 'x', 'report'))).toMatch(
      new RegExp(`^cannot write the report ${path} \\(ENOENT: no such file or directory\\); pass a path in a writable directory$`),
    );
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileAtomically(join(dir, 'sub', 'ok'), 'x', 'report');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['ok']);
  });
});

describe('describeErrno', () => {
  it.each([
    ['ENOENT', 'no such file or directory'],
    ['ENOTDIR', 'a part of the path is not a directory'],
    ['EACCES', 'permission denied'],
    ['EPERM', 'operation not permitted'],
    ['EROFS', 'read-only file system'],
    ['EISDIR', 'it is a directory'],
    ['ENOSPC', 'no space left on the device'],
    ['ELOOP', 'too many symbolic links'],
  ])('%s reads "%s"', (code, text) => {
    expect(describeErrno(Object.assign(new Error('raw'), { code }))).toBe(`${code}: ${text}`);
  });

  it('an unknown code keeps the system message; no code gives the message; a non-error is printed', () => {
    expect(describeErrno(Object.assign(new Error('device busy'), { code: 'EBUSY' }))).toBe('EBUSY: device busy');
    expect(describeErrno(new Error('plain'))).toBe('plain');
    expect(describeErrno('text')).toBe('text');
    expect(describeErrno(new NotARegularFileError('/dev/x', 'a character device'))).toBe('ENOTREG: it is a character device, not a regular file');
  });
});
