import { runConformance, type ConformanceResult } from './conformance-run.js';

/**
 * The conformance page: `conformance.html?backend=<id>` runs the suite on the page's main thread;
 * `&in=worker` runs it in a dedicated Worker instead, where a backend may block in Atomics.wait for its
 * Web Workers (cpu, wasm), as training does. Either way the result lands in `window.lenetConformance`.
 */
declare global {
  interface Window {
    lenetConformance?: ConformanceResult;
  }
}

export type { ConformanceResult };

/** What conformance-worker.ts posts. */
export type ConformanceReport = { readonly type: 'line'; readonly text: string } | { readonly type: 'result'; readonly result: ConformanceResult };

function inWorker(out: HTMLElement): Promise<ConformanceResult> {
  return new Promise((resolve) => {
    const worker = new Worker(`conformance-worker.js${location.search}`, { type: 'module' });
    worker.onmessage = (event: MessageEvent<ConformanceReport>) => {
      if (event.data.type === 'line') out.textContent += event.data.text;
      else resolve(event.data.result);
    };
    worker.onerror = (event) => {
      const error = `the conformance Worker failed: ${event.message}`;
      out.textContent += `error: ${error}\n`;
      resolve({ backend: null, groups: [], total: 0, ran: 0, passed: 0, failed: [], checkSeconds: {}, seconds: 0, workerChunks: null, error });
    };
  });
}

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const out = document.getElementById('report')!;
  out.textContent = '';
  const result =
    query.get('in') === 'worker'
      ? await inWorker(out)
      : await runConformance(query.get('backend') ?? 'cpu', query.get('groups'), location.href, (text) => {
          out.textContent += text;
        });
  window.lenetConformance = result;
  document.body.dataset.lenetStatus = result.error === null && result.failed.length === 0 && result.ran === result.total ? 'done' : 'error';
}

void main();
