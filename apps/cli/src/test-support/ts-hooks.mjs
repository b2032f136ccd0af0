// Node module hooks that run the workspace's TypeScript sources directly (as vitest does), so tests can
// start the real CLI in a child process without a build. Used by run-cli.ts through `node --import`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { workspaceEntries } from '../../../../scripts/workspace-entries.mjs';

/** The same aliases as vitest.shared.ts, from the same manifests: workspace packages resolve to their sources. */
const aliases = Object.fromEntries(workspaceEntries(['packages']).map(({ specifier, source }) => [specifier, pathToFileURL(source).href]));

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(aliases, specifier)) return { url: aliases[specifier], shortCircuit: true };
  if (context.parentURL?.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
