import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-file.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-ts-atomic-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one, leaving nothing else behind', () => {
    const dir = scratch();
    const path = join(dir, 'model.lenet');
    writeFileAtomic(path, Uint8Array.of(1, 2, 3));
    writeFileAtomic(path, 'replaced');
    expect(readFileSync(path, 'utf8')).toBe('replaced');
    expect(readdirSync(dir)).toEqual(['model.lenet']);
  });

  it('keeps the old file and removes its temporary file when the write fails', () => {
    const dir = scratch();
    const path = join(dir, 'report.html');
    writeFileSync(path, 'old');
    mkdirSync(join(dir, 'sub'));
    // A directory cannot be renamed over: the write fails after the temporary file was complete.
    expect(() => writeFileAtomic(join(dir, 'sub'), 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'sub']);
  });

  it('rethrows the file system error for a directory it cannot write', () => {
    const dir = scratch();
    expect(() => writeFileAtomic(join(dir, 'missing', 'file'), 'x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(existsSync(join(dir, 'file'))).toBe(false);
  });
});
