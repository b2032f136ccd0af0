// @ts-check
/**
 * Mutation testing of backend-cpu's kernels (docs/mutation-testing.md); `pnpm test:mutation` runs it.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  // The element-wise and pooling kernels, the loss and SGD. gemm.ts and the conv kernels add ~1,500 mutants
  // (register-blocked loops): run them with `stryker run --mutate src/gemm.ts` when changing them.
  mutate: ['src/activation.ts', 'src/bias.ts', 'src/loss.ts', 'src/pool.ts', 'src/sgd.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  // In place: a sandbox copy of one package loses the workspace around it (vitest.shared.ts, pnpm's links).
  inPlace: true,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
