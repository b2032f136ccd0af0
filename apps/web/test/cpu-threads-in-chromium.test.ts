import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ThreadsCheckResult } from '../src/page/threads-check.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { launchChromium, type Chromium } from './browser.js';
import { servePlayground } from './playground-server.js';

/** backend-cpu's Web Workers in Chromium: what its Node threads test asserts of worker_threads. */
describe('the cpu backend on Web Workers in headless Chromium', () => {
  let served: PlaygroundServer;
  let chromium: Chromium;
  beforeAll(async () => {
    [served, chromium] = await Promise.all([servePlayground(), launchChromium()]);
  });
  afterAll(async () => {
    await chromium?.close();
    await served?.close();
  });

  it('gives bit-identical LeNet outputs, gradients and updates on 1, 2 and 3 threads, the workers running chunks', async () => {
    const page = await chromium.newPage();
    try {
      // The idle playground: a cross-origin isolated page that starts the check in a dedicated Worker.
      await page.goto(served.url);
      const result = await page.evaluate(
        () =>
          new Promise<ThreadsCheckResult>((resolve, reject) => {
            const worker = new Worker('threads-check.js?backend=cpu&threads=2,3', { type: 'module' });
            worker.onmessage = (event: MessageEvent<ThreadsCheckResult>) => resolve(event.data);
            worker.onerror = (event) => reject(new Error(event.message));
          }),
      );
      expect(result.error).toBeNull();
      expect(result.runs.map((r) => r.threads)).toEqual([1, 2, 3]);
      expect(result.runs[0]!.description).toBe('pure TypeScript (1 thread: as asked)');
      for (const run of result.runs.slice(1)) {
        expect(run.description).toBe(`pure TypeScript (${run.threads} threads, Web Workers)`);
        expect(run.workerChunks, `${run.threads} threads: the Web Workers ran no chunk`).toBeGreaterThan(0);
      }
      for (const run of result.runs) expect(run.differences, `${run.threads} threads`).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
