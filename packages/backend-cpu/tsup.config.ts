import { defineConfig } from 'tsup';

export default defineConfig([{
  // worker.js is started by path (new URL('./worker.js', import.meta.url)), so it is an entry of its own.
  entry: { index: 'src/index.ts', provider: 'src/provider.ts', worker: 'src/worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', provider: 'src/provider.ts' } },
  sourcemap: true,
  // import.meta.url in the CommonJS build, to find worker.js.
  shims: true,
  target: 'node20',
}, {
  // The `browser` condition's files: one thread, no Node built-ins.
  entry: { browser: 'src/browser.ts', 'provider-browser': 'src/provider-browser.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
}]);
