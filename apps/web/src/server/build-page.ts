import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PUBLIC_DIR, tfjsWasmDir } from './paths.js';

const SRC = fileURLToPath(new URL('../../src/page/', import.meta.url));

/**
 * Bundles the page for browsers: the `browser` export condition picks each package's browser files, and
 * platform 'browser' makes esbuild fail on any Node built-in that slips in. One file per entry (dynamic
 * imports are inlined), plus tfjs-backend-wasm's .wasm binaries, which tfjs fetches from `./tfjs-wasm/`.
 */
async function buildPage(outdir = PUBLIC_DIR): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: {
      app: join(SRC, 'app.ts'),
      'train-worker': join(SRC, 'train-worker.ts'),
      conformance: join(SRC, 'conformance.ts'),
      'conformance-worker': join(SRC, 'conformance-worker.ts'),
      'threads-check': join(SRC, 'threads-check.ts'),
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    target: 'es2022',
    sourcemap: true,
    logLevel: 'warning',
    // tsup's chunks are imported bare; they only hold helpers, so dropping the bare import is right.
    logOverride: { 'ignored-bare-import': 'silent' },
    // gpu.js reads `process.env` guards; a page has no process.
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  for (const page of ['index.html', 'conformance.html', 'style.css']) copyFileSync(join(SRC, page), join(outdir, page));
  const wasmOut = join(outdir, 'tfjs-wasm');
  mkdirSync(wasmOut, { recursive: true });
  for (const file of readdirSync(tfjsWasmDir()).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(tfjsWasmDir(), file), join(wasmOut, file));
}

buildPage().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
});
