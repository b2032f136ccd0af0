import { createBackend } from '@lenet-ts/backends';
import { backendId, type Backend } from '@lenet-ts/core';
import { CHECK_GROUPS, conformanceChecks, parseLenetFixture, portableOptions, runConformanceChecks, type CheckGroup } from '@lenet-ts/core/testing/portable';

/**
 * The conformance suite in a page (`conformance.html?backend=<id>`, or its Worker), with no test framework.
 * `&groups=contract,primitives` runs only those groups (for a mode too slow for the whole suite in CI).
 */
export interface ConformanceResult {
  backend: { id: string; description: string } | null;
  /** The groups that ran (every group unless `groups=` chose some). */
  groups: CheckGroup[];
  /** Checks chosen. */
  total: number;
  ran: number;
  passed: number;
  failed: { id: string; failures: string[] }[];
  /** Seconds per check, by id. */
  checkSeconds: Record<string, number>;
  seconds: number;
  /** Chunks the backend's worker threads ran (cpu, wasm); null where not counted. */
  workerChunks: number | null;
  error: string | null;
}

/**
 * Runs the suite on backend `id` (`groups`: the query's `groups=` value) and says each line through `print`;
 * the same in the page and in its Worker (`&in=worker`, conformance-worker.ts). `base` is the page's URL.
 */
export async function runConformance(id: string, groupsParam: string | null, base: string, print: (text: string) => void): Promise<ConformanceResult> {
  let groups: CheckGroup[] = [...CHECK_GROUPS];
  let groupsError: Error | null = null;
  try {
    groups = chosenGroups(groupsParam);
  } catch (error) {
    groupsError = error as Error;
  }
  const checks = conformanceChecks.filter((check) => groups.includes(check.group));
  const result: ConformanceResult = {
    backend: null,
    groups,
    total: checks.length,
    ran: 0,
    passed: 0,
    failed: [],
    checkSeconds: {},
    seconds: 0,
    workerChunks: null,
    error: null,
  };
  const started = performance.now();
  try {
    if (groupsError) throw groupsError;
    const fixture = parseLenetFixture(await (await fetch(new URL('fixtures/lenet-step-tfjs-layers.json', base))).json());
    const backend: Backend & { workerChunks?: number } = await createBackend(id, { assetBaseUrl: new URL('./', base).href });
    result.backend = { id: backendId(backend), description: backend.description };
    print(`Backend: ${result.backend.id} (${result.backend.description})\n`);
    try {
      let checkStart = performance.now();
      await runConformanceChecks(backend, portableOptions({ fixture }), checks, (report) => {
        const seconds = (performance.now() - checkStart) / 1000;
        checkStart = performance.now();
        result.ran++;
        result.checkSeconds[report.id] = seconds;
        if (report.passed) result.passed++;
        else result.failed.push({ id: report.id, failures: [...report.failures] });
        print(`${report.passed ? 'ok  ' : 'FAIL'} ${report.id} (${seconds.toFixed(2)}s)${report.passed ? '' : `: ${report.failures.join('; ')}`}\n`);
      });
      result.workerChunks = typeof backend.workerChunks === 'number' ? backend.workerChunks : null;
    } finally {
      backend.close?.();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    print(`error: ${result.error}\n`);
  }
  result.seconds = (performance.now() - started) / 1000;
  print(`${result.passed}/${result.total} checks passed in ${result.seconds.toFixed(1)}s\n`);
  return result;
}

/** `groups=a,b`: those conformance groups, in the suite's order; absent: all of them. */
function chosenGroups(list: string | null): CheckGroup[] {
  if (list === null) return [...CHECK_GROUPS];
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(CHECK_GROUPS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown conformance group "${unknown.join('", "')}"; choose from: ${CHECK_GROUPS.join(', ')}`);
  return CHECK_GROUPS.filter((group) => names.includes(group));
}
