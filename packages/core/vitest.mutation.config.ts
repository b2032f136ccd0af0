import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/**
 * The tests `pnpm test:mutation` runs against each mutant of core's numerics and file formats (see
 * stryker.config.mjs): the unit tests that state those modules' behaviour. The conformance suite also
 * exercises geometry, but a few seconds per mutant of it would make a run take hours on 2 cores.
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: [
        'src/geometry.test.ts',
        'src/serialization.test.ts',
        'src/model-file-bytes.test.ts',
        'src/keras-api.test.ts',
        'src/sequential.test.ts',
        'src/fit-resume.test.ts',
        'src/data/idx.test.ts',
        'src/mutation/*.test.ts',
      ],
    },
  }),
);
