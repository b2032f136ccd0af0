import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend.js';
import type { CheckOptions, ConformanceCheck } from './checks/check.js';
import { runCheck } from './checks/check.js';
import { CHECK_GROUPS, conformanceChecks } from './checks/index.js';
import { loadLenetFixture } from './fixture.js';
import { DEFAULT_SEED } from './portable-run.js';

export interface ConformanceOptions {
  /** Multiplies every float32 tolerance, for backends that sum in another order or precision (default 1). */
  readonly toleranceScale?: number;
  /** Names the mode that ran, e.g. `webasm`; it appears in the test titles. */
  readonly label?: string;
  /** Seed of the random inputs (default 20240601). */
  readonly seed?: number;
  /** Where lenet-step-tfjs-layers.json is, when it is not beside this module (src/testing/fixtures or dist/fixtures). */
  readonly fixturePath?: string;
}

export { DEFAULT_SEED } from './portable-run.js';

export function resolveOptions(options: ConformanceOptions = {}): CheckOptions {
  const toleranceScale = options.toleranceScale ?? 1;
  if (!(toleranceScale > 0)) throw new RangeError(`toleranceScale must be positive, got ${toleranceScale}`);
  const fixturePath = options.fixturePath;
  return { toleranceScale, seed: options.seed ?? DEFAULT_SEED, fixturePath, fixture: () => loadLenetFixture(fixturePath) };
}

/**
 * Registers the Backend conformance suite with vitest: one `it` per check, grouped like the spec. The
 * factory runs once before the checks; `close()` runs after them.
 *
 *   runBackendConformance('cpu', () => createCpuBackend());
 */
export function runBackendConformance<H>(
  name: string,
  factory: () => Backend<H> | Promise<Backend<H>>,
  options: ConformanceOptions = {},
  checks: readonly ConformanceCheck[] = conformanceChecks,
): void {
  const resolved = resolveOptions(options);
  const title = options.label ? `${name} (${options.label})` : name;
  describe(`Backend conformance: ${title}`, () => {
    let backend: Backend | null = null;
    beforeAll(async () => {
      backend = await factory();
    });
    afterAll(() => {
      backend?.close?.();
    });
    for (const group of CHECK_GROUPS) {
      const inGroup = checks.filter((check) => check.group === group);
      if (inGroup.length === 0) continue;
      describe(group, () => {
        for (const check of inGroup) {
          it(check.title, async () => {
            if (backend === null) throw new Error(`the ${title} backend factory did not produce a backend`);
            const report = await runCheck(check, backend, resolved);
            expect(report.failures, `${check.id} on ${title}`).toEqual([]);
          });
        }
      });
    }
  });
}
