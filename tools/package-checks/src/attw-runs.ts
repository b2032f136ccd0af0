import type { PackageManifest } from './workspace.js';

export interface AttwRun {
  /** Subpaths of the exports map this run checks, e.g. `.` and `./data`. */
  readonly entrypoints: readonly string[];
  readonly profile: 'node16' | 'esm-only';
}

/**
 * How arethetypeswrong checks a package, read from its exports map:
 * - entry points with a `require` condition ship ESM + CJS and are checked with the `node16` profile
 *   (every problem counts, in both Node module systems and for bundlers). `node16` leaves out only
 *   TypeScript's legacy `node10` resolution, which ignores `exports` and so cannot see subpaths such as
 *   `@lenet-ts/core/data`; the root entry points still carry `main`/`types` for it.
 * - entry points without one are ESM-only on purpose (`@lenet-ts/core/testing` runs inside vitest, which
 *   cannot be require()d; the CLI is ESM): the `esm-only` profile accepts that `require()` finds ESM
 *   there (attw's `cjs-resolves-to-esm`) and still fails on every other problem.
 */
export function attwRuns(manifest: PackageManifest): AttwRun[] {
  const exportsMap = manifest.exports ?? {};
  const entrypoints = Object.keys(exportsMap).filter((key) => !key.endsWith('.json'));
  const hasRequire = (key: string): boolean => {
    const target = exportsMap[key];
    return typeof target === 'object' && target !== null && 'require' in target;
  };
  const dual = entrypoints.filter(hasRequire);
  const esmOnly = entrypoints.filter((key) => !hasRequire(key));
  const runs: AttwRun[] = [];
  if (dual.length > 0) runs.push({ entrypoints: dual, profile: 'node16' });
  if (esmOnly.length > 0) runs.push({ entrypoints: esmOnly, profile: 'esm-only' });
  return runs;
}
