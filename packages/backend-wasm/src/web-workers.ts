/**
 * The wasm backend's threads in a browser: Web Workers over the one shared WebAssembly.Memory, started
 * from the same worker program as Node's worker_threads (`serve`, passed here as its source text).
 */

/** How many threads a browser context can run, and why no more. */
export interface BrowserThreads {
  readonly threads: number;
  /** Why one thread, where only one runs. */
  readonly oneThreadReason: string | null;
}

/** Whether this runs in a browser (a page or a Worker), not Node. */
export function inBrowser(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string';
}

/**
 * Web Workers need a shared memory (SharedArrayBuffer: a cross-origin isolated page) and a calling thread
 * that may block in `Atomics.wait` while they finish (a Worker; a page's main thread may not).
 */
export function browserThreads(): BrowserThreads {
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return { threads: 1, oneThreadReason: 'not cross-origin isolated, so no Web Workers' };
  if (g.document !== undefined) return { threads: 1, oneThreadReason: "a page's main thread may not Atomics.wait for Web Workers (train in a Worker)" };
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  return cores > 1 ? { threads: cores, oneThreadReason: null } : { threads: 1, oneThreadReason: 'the browser reports one core' };
}

/** How the threads run, for the description in a browser: ", Web Workers" or ": <why one thread>". */
export function browserThreadsNote(threads: number): string {
  if (threads > 1) return ', Web Workers';
  const reason = browserThreads().oneThreadReason;
  return reason === null ? ': as asked' : `: ${reason}`;
}

/** A started Web Worker as the thread team holds it (the shape of Node's Worker and MessagePort it uses). */
export interface WebThread {
  readonly worker: { terminate(): unknown };
  readonly port: { close(): void };
}

/**
 * Starts `starts.length` Web Workers running `serve` (the source of a function taking `{ workerData }`).
 * Each gets its start message with a MessagePort of its own for failures; `onFailure` hears them.
 */
export function startWebWorkers(serveSource: string, starts: readonly Record<string, unknown>[], onFailure: (message: string) => void): WebThread[] {
  const web = globalThis as unknown as WebGlobals;
  const source = `self.onmessage = (event) => { self.onmessage = null; (${serveSource})({ workerData: event.data }); };`;
  const url = web.URL.createObjectURL(new web.Blob([source], { type: 'text/javascript' }));
  try {
    return starts.map((start, index) => {
      const worker = new web.Worker(url, { name: `lenet-wasm-${index + 1}` });
      const channel = new web.MessageChannel();
      channel.port1.onmessage = (event) => onFailure((event.data as { error?: string } | null)?.error ?? 'a worker thread failed');
      worker.onerror = (event) => onFailure(event.message || 'a Web Worker failed to start');
      worker.postMessage({ ...start, port: channel.port2 }, [channel.port2]);
      return { worker, port: channel.port1 };
    });
  } finally {
    // Each Worker fetches its script once started; the URL is freed well after.
    setTimeout(() => web.URL.revokeObjectURL(url), 60_000);
  }
}

/** The browser globals used here (the package compiles without the DOM library). */
interface WebPort {
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  close(): void;
}

interface WebGlobals {
  readonly URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  readonly Blob: new (parts: string[], options: { type: string }) => unknown;
  readonly MessageChannel: new () => { readonly port1: WebPort; readonly port2: WebPort };
  readonly Worker: new (
    url: string,
    options: { name: string },
  ) => {
    onerror: ((event: { readonly message: string }) => void) | null;
    postMessage(message: unknown, transfer: unknown[]): void;
    terminate(): void;
  };
}
