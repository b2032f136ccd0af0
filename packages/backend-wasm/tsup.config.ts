import { defineConfig } from 'tsup';

export default defineConfig({
  // The kernels are base64 strings in src/generated/kernels.ts (scripts/build-kernels.mjs), bundled here;
  // the worker runs from its own function's source text, so there is no second entry to find at run time.
  entry: { index: 'src/index.ts', provider: 'src/provider.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', provider: 'src/provider.ts' } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
