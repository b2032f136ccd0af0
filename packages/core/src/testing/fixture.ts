import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FixtureError, LENET_FIXTURE_FILE, parseLenetFixture } from './fixture-parse.js';
import type { LenetStepFixture } from './fixture-parse.js';

export { FixtureError, LENET_FIXTURE_FILE, parseLenetFixture } from './fixture-parse.js';
export type { LenetStepFixture } from './fixture-parse.js';

/** The directory of this module: `src/testing` in the workspace, `dist` once built (ESM or CommonJS). */
function moduleDirectory(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** Where the fixture may sit relative to this module: beside it in src/, copied into dist/fixtures by the build. */
export function fixtureCandidates(start = moduleDirectory()): string[] {
  const candidates: string[] = [];
  let dir = resolve(start);
  for (let level = 0; level < 4; level++) {
    candidates.push(join(dir, 'fixtures', LENET_FIXTURE_FILE), join(dir, LENET_FIXTURE_FILE), join(dir, 'src', 'testing', 'fixtures', LENET_FIXTURE_FILE));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return candidates;
}

export function findLenetFixture(explicitPath?: string): string {
  if (explicitPath !== undefined) {
    if (!existsSync(explicitPath)) throw new FixtureError(`no ${LENET_FIXTURE_FILE} at ${explicitPath}; fix the fixturePath option`);
    return explicitPath;
  }
  const candidates = fixtureCandidates();
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new FixtureError(
      `${LENET_FIXTURE_FILE} not found next to @lenet-ts/core/testing (looked in ${candidates.join(', ')}); pass { fixturePath } to runBackendConformance`,
    );
  }
  return found;
}

const cache = new Map<string, LenetStepFixture>();

/** Loads and validates the fixture (once per path). */
export function loadLenetFixture(explicitPath?: string): LenetStepFixture {
  const path = findLenetFixture(explicitPath);
  const cached = cache.get(path);
  if (cached) return cached;
  const fixture = parseLenetFixture(JSON.parse(readFileSync(path, 'utf8')));
  cache.set(path, fixture);
  return fixture;
}
