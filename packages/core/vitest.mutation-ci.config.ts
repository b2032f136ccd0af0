import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/** The tests the CI subset of mutation testing (stryker.ci.config.mjs) runs against each mutant of model-file.ts. */
export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['src/serialization.test.ts', 'src/model-file-bytes.test.ts', 'src/mutation/model-file-contract.test.ts'] } }),
);
