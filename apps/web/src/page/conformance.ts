import { createBackend } from '@lenet-ts/backends';
import { backendId } from '@lenet-ts/core';
import { conformanceChecks, parseLenetFixture, portableOptions, runConformanceChecks } from '@lenet-ts/core/testing/portable';

/** The conformance suite in a page (`conformance.html?backend=<id>`), with no test framework. */
export interface ConformanceResult {
  backend: { id: string; description: string } | null;
  total: number;
  ran: number;
  passed: number;
  failed: { id: string; failures: string[] }[];
  seconds: number;
  error: string | null;
}

declare global {
  interface Window {
    lenetConformance?: ConformanceResult;
  }
}

async function main(): Promise<void> {
  const id = new URLSearchParams(location.search).get('backend') ?? 'cpu';
  const out = document.getElementById('report')!;
  const result: ConformanceResult = { backend: null, total: conformanceChecks.length, ran: 0, passed: 0, failed: [], seconds: 0, error: null };
  const started = performance.now();
  try {
    const fixture = parseLenetFixture(await (await fetch(new URL('fixtures/lenet-step-tfjs-layers.json', location.href))).json());
    const backend = await createBackend(id, { assetBaseUrl: new URL('./', location.href).href });
    result.backend = { id: backendId(backend), description: backend.description };
    out.textContent = `Backend: ${result.backend.id} (${result.backend.description})\n`;
    try {
      await runConformanceChecks(backend, portableOptions({ fixture }), conformanceChecks, (report) => {
        result.ran++;
        if (report.passed) result.passed++;
        else result.failed.push({ id: report.id, failures: [...report.failures] });
        out.textContent += `${report.passed ? 'ok  ' : 'FAIL'} ${report.id}${report.passed ? '' : `: ${report.failures.join('; ')}`}\n`;
      });
    } finally {
      backend.close?.();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    out.textContent += `error: ${result.error}\n`;
  }
  result.seconds = (performance.now() - started) / 1000;
  out.textContent += `${result.passed}/${result.total} checks passed in ${result.seconds.toFixed(1)}s\n`;
  window.lenetConformance = result;
  document.body.dataset.lenetStatus = result.error === null && result.failed.length === 0 && result.ran === result.total ? 'done' : 'error';
}

void main();
