// @ts-check
/**
 * Mutation testing of the CLI's file writing (docs/mutation-testing.md); `pnpm test:mutation` runs it.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: ['src/files.ts'],
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
