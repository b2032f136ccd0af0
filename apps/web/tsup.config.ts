import { defineConfig } from 'tsup';

// The Node side (server, page build); the page itself is bundled by src/server/build-page.ts with esbuild.
export default defineConfig({
  entry: { 'server/main': 'src/server/main.ts', 'server/build-page': 'src/server/build-page.ts' },
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // Each entry stays one file in dist/server, so paths relative to import.meta.url hold.
  splitting: false,
});
