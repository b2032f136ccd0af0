import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', data: 'src/data/index.ts', node: 'src/node/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    shims: true,
    target: 'node20',
  },
  {
    // Browser entries: ESM only, no Node built-ins (scripts/check-browser-bundles.mjs bundles them to prove it).
    entry: { 'data-browser': 'src/data/browser.ts', 'testing-portable': 'src/testing/portable.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
  },
  {
    // The conformance suite runs inside vitest, which cannot be require()d: ESM only.
    entry: { testing: 'src/testing/index.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    external: ['vitest'],
    // The external tfjs-layers fixture ships beside the suite (dist/fixtures).
    onSuccess: async () => cpSync('src/testing/fixtures', 'dist/fixtures', { recursive: true }),
  },
]);
