import { WEB_WORKER_SOURCE } from './web-worker-source.js';

/** How many threads this browser context can run the cpu backend on, and why no more. */
export interface BrowserThreads {
  readonly threads: number;
  /** Why one thread, where only one runs. */
  readonly oneThreadReason: string | null;
}

/**
 * Web Workers need the handles' memory shared (SharedArrayBuffer: a cross-origin isolated page) and a
 * calling thread that may block in `Atomics.wait` while they finish (a Worker; a page's main thread may not).
 */
export function browserThreads(): BrowserThreads {
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; Worker?: unknown };
  if (g.crossOriginIsolated !== true) return { threads: 1, oneThreadReason: 'not cross-origin isolated, so no Web Workers' };
  if (g.document !== undefined) return { threads: 1, oneThreadReason: "a page's main thread may not Atomics.wait for Web Workers (train in a Worker)" };
  if (typeof g.Worker !== 'function') return { threads: 1, oneThreadReason: 'this context cannot start Web Workers' };
  // The worker program is bundled into the built package (tsup.config.ts); the TypeScript sources lack it.
  if (WEB_WORKER_SOURCE === null) return { threads: 1, oneThreadReason: 'run from the sources, which lack the bundled Web Worker program' };
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  return cores > 1 ? { threads: cores, oneThreadReason: null } : { threads: 1, oneThreadReason: 'the browser reports one core' };
}
