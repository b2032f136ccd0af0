import { defineConfig } from 'vitest/config';

/**
 * No aliases here (unlike vitest.shared.ts): these tests look at the packed tarballs, never at sources.
 * The global setup packs every publishable package once; the tests share the tarballs.
 */
export default defineConfig({
  test: {
    globalSetup: ['./src/global-setup.ts'],
    include: ['src/**/*.test.ts'],
    // npm install from the registry and training on five backends, twice: minutes, not seconds.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
