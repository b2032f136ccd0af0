import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PACKAGES = fileURLToPath(new URL('../../../packages/', import.meta.url));
/** Entries that exist for Node only, by design: file writing and the terminal progress bar. */
const NODE_ONLY = new Set(['@lenet-ts/core/node']);

/** Every exported entry of every package, as a browser bundler sees it. */
function browserEntries(): { specifier: string; dir: string }[] {
  const entries: { specifier: string; dir: string }[] = [];
  for (const dir of readdirSync(PACKAGES).sort()) {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
    for (const subpath of Object.keys(manifest.exports)) {
      if (subpath === './package.json') continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      // Resolved from the package's own folder (a self-reference), so this app needs no dependency on each.
      if (!NODE_ONLY.has(specifier)) entries.push({ specifier, dir: join(PACKAGES, dir) });
    }
  }
  return entries;
}

describe('every package bundles for a browser', () => {
  const entries = browserEntries();

  it('lists the packages and their entries', () => {
    expect(entries.map((e) => e.specifier)).toEqual(
      expect.arrayContaining(['@lenet-ts/core', '@lenet-ts/core/data', '@lenet-ts/core/testing', '@lenet-ts/backends', '@lenet-ts/lenet']),
    );
  });

  it('fails on a Node-only entry (the check can fail)', async () => {
    await expect(bundle('@lenet-ts/core/node', join(PACKAGES, 'core'))).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ text: expect.stringMatching(/^Could not resolve "(node:)?(fs|crypto|path|readline)"/) })]),
    });
  });

  for (const { specifier, dir } of entries) {
    it(`${specifier}, with the browser condition and no Node built-in`, async () => {
      const result = await bundle(specifier, dir);
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((path) => /^node:|(^|\/)node_modules\/(fs|os|path|worker_threads|zlib|crypto)\//.test(path))).toEqual([]);
      expect(result.errors).toEqual([]);
    });
  }
});

/** platform 'browser' makes esbuild fail on any Node built-in the bundle reaches (dynamic imports included). */
function bundle(specifier: string, dir: string) {
  return build({
    stdin: { contents: `export * from '${specifier}';`, resolveDir: dir, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    logLevel: 'silent',
    logOverride: { 'ignored-bare-import': 'silent' },
    metafile: true,
  });
}
