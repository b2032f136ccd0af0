import { resolve } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * Bundles scripts/gpu-check.ts with everything it imports into one CommonJS file, so the GPU machine needs
 * only node and the two native packages (`gl`, `webgpu`), which stay external. Run from packages/backend-gpujs.
 */
const packages = resolve('..');

export default defineConfig({
  entry: { 'gpu-check': 'scripts/gpu-check.ts' },
  outDir: process.env.GPU_CHECK_KIT ?? '../../.gpu-check',
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  platform: 'node',
  target: 'node20',
  dts: false,
  clean: false,
  sourcemap: false,
  splitting: false,
  external: ['gl', 'webgpu'],
  noExternal: [/^(?!gl$|webgpu$)/],
  esbuildOptions(options) {
    // Workspace sources, not dist/: nothing needs building first.
    options.alias = {
      '@lenet-ts/core': resolve(packages, 'core/src/index.ts'),
      '@lenet-ts/lenet': resolve(packages, 'lenet/src/index.ts'),
    };
  },
});
