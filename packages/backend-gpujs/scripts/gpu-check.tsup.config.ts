import { resolve } from 'node:path';
import { defineConfig } from 'tsup';

/**
 * Bundles scripts/gpu-check.ts with everything it imports into one CommonJS file, so the GPU machine needs
 * only node and the packages gpu-check.sh copies next to it: the native `gl` and `webgpu`, and the cpu
 * backend (its worker threads load their own file). Run from packages/backend-gpujs.
 */
const packages = resolve('..');
const external = ['gl', 'webgpu', '@lenet-ts/backend-cpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'];

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
  external,
  noExternal: [new RegExp(`^(?!(${external.map((e) => e.replace(/[/.]/g, '\\$&')).join('|')})$)`)],
  esbuildOptions(options) {
    // Workspace sources, not dist/: nothing needs building first.
    options.alias = {
      '@lenet-ts/core': resolve(packages, 'core/src/index.ts'),
      '@lenet-ts/lenet': resolve(packages, 'lenet/src/index.ts'),
    };
  },
});
