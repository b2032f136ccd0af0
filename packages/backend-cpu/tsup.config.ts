import { build } from 'esbuild';
import { defineConfig, type Options } from 'tsup';

/**
 * Replaces src/web-worker-source.ts with web-worker.ts bundled into one classic script, as a string: the
 * browser entry starts its Web Workers from that text (a Blob URL), so an app's bundler needs no worker setup.
 */
const webWorkerSource: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'web-worker-source',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]web-worker-source\.ts$/ }, async () => {
      const bundled = await build({
        entryPoints: ['src/web-worker.ts'],
        bundle: true,
        write: false,
        format: 'iife',
        platform: 'browser',
        conditions: ['browser'],
        target: 'es2022',
        minify: true,
        logLevel: 'warning',
      });
      const text = bundled.outputFiles[0]!.text;
      return { contents: `export const WEB_WORKER_SOURCE: string | null = ${JSON.stringify(text)};`, loader: 'ts' };
    });
  },
};

export default defineConfig([
  {
    // worker.js is started by path (new URL('./worker.js', import.meta.url)), so it is an entry of its own.
    entry: { index: 'src/index.ts', provider: 'src/provider.ts', worker: 'src/worker.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', provider: 'src/provider.ts' } },
    sourcemap: true,
    // import.meta.url in the CommonJS build, to find worker.js.
    shims: true,
    target: 'node20',
  },
  {
    // The `browser` condition's files: Web Workers from a bundled program, no Node built-ins.
    entry: { browser: 'src/browser.ts', 'provider-browser': 'src/provider-browser.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
    esbuildPlugins: [webWorkerSource],
  },
]);
