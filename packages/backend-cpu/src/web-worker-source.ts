/**
 * The Web Worker program (web-worker.ts bundled into one classic script), as source text to start from a
 * Blob URL, so that bundlers of this package need no worker plugin. tsup.config.ts replaces this module
 * with the bundled text when it builds the browser entry; run from the TypeScript sources (Node's tests,
 * which have no Web Workers) it is null and the backend runs one thread.
 */
export const WEB_WORKER_SOURCE: string | null = null;
