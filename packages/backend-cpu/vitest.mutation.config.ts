import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

/**
 * The tests `pnpm test:mutation` runs against each mutant of backend-cpu's kernels: the kernels' own tests
 * (the conformance suite, a minute per run here, would take hours over every mutant). The calling thread
 * computes a share of every task (worker threads load the unmutated sources), so a mutant is seen through
 * the chunks the main thread runs.
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: [
        'src/gemm.test.ts',
        'src/conv2d.test.ts',
        'src/pool.test.ts',
        'src/activation.test.ts',
        'src/loss.test.ts',
        'src/sgd.test.ts',
        'src/mutation/*.test.ts',
      ],
    },
  }),
);
