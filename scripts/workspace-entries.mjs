// The entry points every publishable workspace package exports, read from the manifests, so that a new
// package (a backend, say) needs no line in the tools that map import names to sources (vitest, TypeDoc).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WORKSPACE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `.` is src/index.ts; `./name` is src/name/index.ts or src/name.ts (the layout every package follows). */
function sourceOf(dir, subpath) {
  if (subpath === '.') return join(dir, 'src/index.ts');
  const name = subpath.slice(2);
  const folder = join(dir, 'src', name, 'index.ts');
  return existsSync(folder) ? folder : join(dir, 'src', `${name}.ts`);
}

/**
 * `{ specifier, source, folder }` for each exported entry of each package under `folders` (default:
 * packages and apps), e.g. `{ specifier: '@lenet-ts/core/data', source: '/…/packages/core/src/data/index.ts', folder: 'packages/core/src/data' }`.
 * @returns {{ specifier: string, source: string, folder: string, subpath: string, private: boolean }[]}
 */
export function workspaceEntries(folders = ['packages', 'apps']) {
  const entries = [];
  for (const folder of folders) {
    for (const name of readdirSync(join(WORKSPACE_ROOT, folder)).sort()) {
      const dir = join(WORKSPACE_ROOT, folder, name);
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      for (const subpath of Object.keys(manifest.exports ?? {})) {
        if (subpath.endsWith('.json')) continue;
        const source = sourceOf(dir, subpath);
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        // A folder's index.ts is named by its folder; a file like src/data/browser.ts by its path without .ts (as TypeDoc names modules).
        const folder = relative(WORKSPACE_ROOT, source.endsWith('index.ts') ? join(source, '..') : source.slice(0, -3));
        entries.push({ specifier, source, subpath, folder, private: manifest.private === true });
      }
    }
  }
  return entries;
}
