import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertWritable, writeFileAtomically } from './files.js';
import { RunError } from './run-error.js';
import { listDir, removeTempDirs, tempDir } from './test-support/fixtures.js';

afterAll(removeTempDirs);

describe('writeFileAtomically', () => {
  it('replaces the file in one rename and leaves no temporary file', () => {
    const dir = tempDir();
    const path = join(dir, 'model.lenet');
    writeFileSync(path, 'old');
    writeFileAtomically(path, new Uint8Array([1, 2, 3]), 'model');
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(listDir(dir)).toEqual(['model.lenet']);
  });

  it('when the rename fails, removes its temporary file and leaves the target as it was', () => {
    const dir = tempDir();
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true }); // a non-empty directory cannot be renamed over
    expect(() => writeFileAtomically(target, 'new', 'report')).toThrow(RunError);
    expect(() => writeFileAtomically(target, 'new', 'report')).toThrow(
      /^cannot write the report .*taken \((EISDIR|ENOTEMPTY|EEXIST)[^)]*\); pass a path in a writable directory$/,
    );
    expect(listDir(dir)).toEqual(['taken']);
    expect(listDir(target)).toEqual(['inside']);
  });

  it('creates nothing when the directory is missing', () => {
    const dir = tempDir();
    expect(() => writeFileAtomically(join(dir, 'missing', 'm.lenet'), 'x', 'model')).toThrow(/ENOENT: no such file or directory/);
    expect(listDir(dir)).toEqual([]);
  });
});

describe('assertWritable', () => {
  it('accepts a new file in a writable directory and leaves no probe behind', () => {
    const dir = tempDir();
    assertWritable(join(dir, 'report.html'), 'report', '--report');
    expect(listDir(dir)).toEqual([]);
  });
});
