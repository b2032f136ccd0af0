import type { Backend } from '../backend.js';
import type { CheckOptions, CheckReport, ConformanceCheck } from './checks/check.js';
import { runCheck } from './checks/check.js';
import { conformanceChecks } from './checks/index.js';
import type { LenetStepFixture } from './fixture-parse.js';

export const DEFAULT_SEED = 20240601;

/** Options of a conformance run outside vitest (a page, a Worker, a script). */
export interface PortableConformanceOptions {
  readonly toleranceScale?: number;
  readonly seed?: number;
  /** The parsed tfjs-layers fixture (`parseLenetFixture` of the fetched lenet-step-tfjs-layers.json). */
  readonly fixture?: LenetStepFixture;
}

export function portableOptions(options: PortableConformanceOptions = {}): CheckOptions {
  const toleranceScale = options.toleranceScale ?? 1;
  if (!(toleranceScale > 0)) throw new RangeError(`toleranceScale must be positive, got ${toleranceScale}`);
  const fixture = options.fixture;
  return { toleranceScale, seed: options.seed ?? DEFAULT_SEED, fixturePath: undefined, fixture: fixture ? () => fixture : undefined };
}

/**
 * Runs every check in order against one backend and reports each (the vitest-free runner: the same checks
 * `runBackendConformance` registers as tests). `onReport` sees each report as it arrives.
 */
export async function runConformanceChecks(
  backend: Backend,
  options: CheckOptions,
  checks: readonly ConformanceCheck[] = conformanceChecks,
  onReport?: (report: CheckReport) => void,
): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const check of checks) {
    const report = await runCheck(check, backend, options);
    reports.push(report);
    onReport?.(report);
  }
  return reports;
}
