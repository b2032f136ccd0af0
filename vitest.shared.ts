import { defineConfig } from 'vitest/config';
import { workspaceEntries } from './scripts/workspace-entries.mjs';

/**
 * Tests run against the workspace sources, not built dist/ folders, so a package's tests never see a
 * stale build of a sibling. The pack-and-install test covers the built artefacts. The aliases come from
 * the packages' manifests (every exported entry), so a new package needs no line here.
 */
export default defineConfig({
  resolve: {
    alias: workspaceEntries(['packages']).map(({ specifier, source }) => ({
      find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`),
      replacement: source,
    })),
  },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
