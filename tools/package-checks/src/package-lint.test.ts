import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, inject, it } from 'vitest';
import { attwRuns } from './attw-runs.js';
import { readManifest, rootBin, WORKSPACE_ROOT, type PackageManifest } from './workspace.js';

const packed = inject('packed');
const versions = new Map(packed.map((pkg) => [pkg.name, pkg.version]));
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;

describe('publishable packages', () => {
  it('are all built before these checks run (devDependencies of this package, so turbo builds them first)', () => {
    const own = readManifest(join(WORKSPACE_ROOT, 'tools/package-checks')).devDependencies ?? {};
    expect(packed.map((pkg) => pkg.name).filter((name) => own[name] === undefined)).toEqual([]);
  });
});

describe.each(packed)('$name as packed', (pkg) => {
  const manifest = JSON.parse(readFileSync(join(pkg.unpacked, 'package.json'), 'utf8')) as PackageManifest;

  it('depends on sibling packages by their real versions, never workspace: ranges', () => {
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        expect(range, `${field}.${name}`).not.toMatch(/^workspace:/);
        const version = versions.get(name);
        if (version !== undefined) expect(range, `${field}.${name}`).toBe(`^${version}`);
      }
    }
  });

  it('ships a README, an MIT LICENSE and its publishing fields', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    expect(readFileSync(join(pkg.unpacked, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(manifest.license).toBe('MIT');
    expect(manifest.engines?.node).toBe('>=20');
    expect(manifest.sideEffects).toBeDefined();
    expect(manifest.exports?.['.']).toBeDefined();
    for (const target of Object.values(manifest.bin ?? {})) expect(existsSync(join(pkg.unpacked, target)), target).toBe(true);
  });

  it('passes publint with no errors or warnings', async () => {
    // The unpacked tarball is exactly what ships, so publint needs no packing of its own.
    const { messages, pkg: linted } = await publint({ pkgDir: pkg.unpacked, pack: false, level: 'suggestion' });
    const lines = messages.map((message) => `${message.type}: ${formatMessage(message, linted, { color: false }) ?? message.code}`);
    console.log(`publint ${pkg.name}: ${lines.length === 0 ? 'all good' : `\n  ${lines.join('\n  ')}`}`);
    expect(lines.filter((line) => !line.startsWith('suggestion:'))).toEqual([]);
  });

  it.each(attwRuns(manifest))('passes arethetypeswrong ($profile profile: $entrypoints)', ({ entrypoints, profile }) => {
    const args = [rootBin('@arethetypeswrong/cli', 'attw'), pkg.tarball, '--profile', profile, '--entrypoints', ...entrypoints];
    const run = spawnSync(process.execPath, [...args, '--format', 'table-flipped', '--no-color', '--no-emoji'], { encoding: 'utf8' });
    console.log(`attw ${pkg.name} --profile ${profile} --entrypoints ${entrypoints.join(' ')}:\n${run.stdout}${run.stderr}`);
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
