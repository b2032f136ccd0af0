import { defineConfig } from 'vitest/config';

// The page tests run the built page (dist/public) in Chromium, so they use no source aliases.
export default defineConfig({
  test: {
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
