import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * Tests run against the workspace sources, not built dist/ folders, so a package's tests never see a
 * stale build of a sibling. The pack-and-install test covers the built artefacts.
 */
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@lenet-ts\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
      { find: /^@lenet-ts\/core\/data$/, replacement: src('core/src/data/index.ts') },
      { find: /^@lenet-ts\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@lenet-ts\/backend-cpu$/, replacement: src('backend-cpu/src/index.ts') },
      { find: /^@lenet-ts\/backend-gpujs$/, replacement: src('backend-gpujs/src/index.ts') },
      { find: /^@lenet-ts\/backend-tfjs$/, replacement: src('backend-tfjs/src/index.ts') },
      { find: /^@lenet-ts\/lenet$/, replacement: src('lenet/src/index.ts') },
      { find: /^@lenet-ts\/interop$/, replacement: src('interop/src/index.ts') },
    ],
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
