import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', child: 'src/child.ts', 'generate-lenet-fixture': 'src/generate-lenet-fixture.ts' },
  format: ['esm'],
  clean: true,
  sourcemap: true,
  target: 'node20',
  // A devDependency, so tsup would bundle it: the peer loads the installed package, as its users would.
  external: ['convnetjs'],
});
