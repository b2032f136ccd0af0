// Node module hooks that run the workspace's TypeScript sources directly (as vitest does), so tests can
// start the real CLI in a child process without a build. Used by run-cli.ts through `node --import`.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = new URL('../../../../', import.meta.url);
/** The same aliases as vitest.shared.ts: workspace packages resolve to their sources. */
const aliases = {
  '@lenet-ts/core/testing': 'packages/core/src/testing/index.ts',
  '@lenet-ts/core/data': 'packages/core/src/data/index.ts',
  '@lenet-ts/core': 'packages/core/src/index.ts',
  '@lenet-ts/backend-cpu': 'packages/backend-cpu/src/index.ts',
  '@lenet-ts/backend-gpujs': 'packages/backend-gpujs/src/index.ts',
  '@lenet-ts/backend-tfjs': 'packages/backend-tfjs/src/index.ts',
  '@lenet-ts/lenet': 'packages/lenet/src/index.ts',
  '@lenet-ts/interop': 'packages/interop/src/index.ts',
};

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(aliases, specifier)) return { url: new URL(aliases[specifier], root).href, shortCircuit: true };
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
