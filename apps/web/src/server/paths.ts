import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** apps/web/dist/public: what build-page writes and the server serves (this file is two levels below apps/web in src and dist). */
export const PUBLIC_DIR = fileURLToPath(new URL('../../dist/public', import.meta.url));

/** The folder of an installed package, found from its package.json (every package here exports it). */
export function packageDir(name: string, from = import.meta.url): string {
  return dirname(createRequire(from).resolve(`${name}/package.json`));
}

/** core's built conformance fixture (dist/fixtures), which the conformance page fetches. */
export function fixtureFile(): string {
  return join(packageDir('@lenet-ts/core'), 'dist', 'fixtures', 'lenet-step-tfjs-layers.json');
}

/** tfjs-backend-wasm's .wasm binaries, found through the backend list and backend-tfjs (which depend on them). */
export function tfjsWasmDir(): string {
  const backends = packageDir('@lenet-ts/backends');
  const tfjs = dirname(require.resolve('@lenet-ts/backend-tfjs/package.json', { paths: [backends] }));
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths: [tfjs] })), 'dist');
}
