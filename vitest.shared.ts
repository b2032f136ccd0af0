import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const PACKAGES = fileURLToPath(new URL('./packages/', import.meta.url));

/** `.` is src/index.ts; `./name` is src/name/index.ts or src/name.ts (the layout every package follows). */
function sourceOf(dir: string, subpath: string): string {
  if (subpath === '.') return join(dir, 'src/index.ts');
  const name = subpath.slice(2);
  const folder = join(dir, 'src', name, 'index.ts');
  return existsSync(folder) ? folder : join(dir, 'src', `${name}.ts`);
}

/**
 * An alias for every entry every workspace package exports, generated from the manifests so that a new
 * package (a backend, say) needs no line here.
 */
function workspaceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const entry of readdirSync(PACKAGES)) {
    const dir = join(PACKAGES, entry);
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const subpath of Object.keys(manifest.exports ?? { '.': null })) {
      if (subpath.endsWith('.json')) continue;
      const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      aliases.push({ find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`), replacement: sourceOf(dir, subpath) });
    }
  }
  return aliases;
}

/**
 * Tests run against the workspace sources, not built dist/ folders, so a package's tests never see a
 * stale build of a sibling. The pack-and-install test covers the built artefacts.
 */
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
