import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a compute worker. Built, the worker is dist/worker.js next to this module. Run from the
 * TypeScript sources (the workspace's tests), Node cannot load worker.ts by itself: the worker then
 * registers a loader hook that strips types with the workspace's `typescript` first.
 */
export function startWorker(options: WorkerOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), options);
  const entry = new URL('./worker.ts', here).href;
  const bootstrap = `
    const { register } = require('node:module');
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(TYPESCRIPT_LOADER)}), ${JSON.stringify(here)});
    import(${JSON.stringify(entry)}).catch((error) => { process.nextTick(() => { throw error; }); });
  `;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** A module loader hook (source form): .ts files transpiled one by one; `./x.js` finds `./x.ts`. */
const TYPESCRIPT_LOADER = `
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
let ts;
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) return next(specifier.slice(0, -3) + '.ts', context);
    throw error;
  }
}
export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  ts ??= createRequire(url)('typescript');
  const source = await readFile(new URL(url), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    fileName: url,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`;
