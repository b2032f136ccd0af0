// @ts-check
/**
 * The fixed subset of mutation testing that CI runs (docs/mutation-testing.md): the model file's reader and
 * writer, whose every refusal and byte is stated by a test, with a break threshold below its measured score.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import full from './stryker.config.mjs';

export default {
  ...full,
  mutate: ['src/model-file.ts'],
  vitest: { configFile: 'vitest.mutation-ci.config.ts', related: false },
  incremental: false,
  reporters: ['clear-text', 'progress-append-only'],
  thresholds: { high: 95, low: 90, break: 95 },
};
