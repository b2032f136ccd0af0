// @ts-check
/**
 * Mutation testing of core's numerics and file formats (docs/mutation-testing.md): `pnpm test:mutation`
 * at the root runs this and the other packages' configs. Incremental: a rerun tests only the mutants whose
 * code or tests changed since the file in reports/ was written.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/losses.ts', 'src/geometry.ts', 'src/optimizers.ts', 'src/model-file.ts', 'src/data/idx.ts', 'src/data/gunzip-idx.ts'],
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
