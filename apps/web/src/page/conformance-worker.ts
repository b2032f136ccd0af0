import { runConformance } from './conformance-run.js';
import type { ConformanceReport } from './conformance.js';

// conformance.html?...&in=worker: the suite in a dedicated Worker, lines and result posted to the page.
const scope = globalThis as unknown as { postMessage(message: ConformanceReport): void; location: { href: string; search: string } };
const query = new URLSearchParams(scope.location.search);
void runConformance(query.get('backend') ?? 'cpu', query.get('groups'), new URL('conformance.html', scope.location.href).href, (text) =>
  scope.postMessage({ type: 'line', text }),
).then((result) => scope.postMessage({ type: 'result', result }));
