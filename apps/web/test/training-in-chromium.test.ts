import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LenetRun } from '../src/page/protocol.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { launchChromium, waitForStatus, type Chromium } from './browser.js';
import { servePlayground } from './playground-server.js';

/** Training through the automation contract: query parameters in, `window.lenetRun` out. */
const RUNS: readonly { query: string; description: RegExp; check: (run: LenetRun) => void; timeoutMs: number }[] = [
  {
    // The bar for the cpu backend: 3200 images, 2 epochs, test accuracy above 0.6.
    query: 'backend=cpu&preset=modern&limit=3200&epochs=2&testLimit=500',
    // Cross-origin isolated and in a Worker: Web Workers share the chunks, and really ran some.
    description: /^pure TypeScript \((\d+ threads, Web Workers|1 thread: the browser reports one core)\)$/,
    check: (run) => {
      expect(run.test!.accuracy).toBeGreaterThan(0.6);
      if (/Web Workers/.test(run.backend!.description)) expect(run.workerChunks).toBeGreaterThan(0);
    },
    timeoutMs: 90_000,
  },
  {
    query: 'backend=tfjs:wasm&preset=modern&limit=640&epochs=2&testLimit=500',
    description: /^SIMD, 1 thread/,
    check: (run) => expect(run.epochs[1]!.loss).toBeLessThan(run.epochs[0]!.loss),
    timeoutMs: 90_000,
  },
  {
    // The page is cross-origin isolated and trains in a Worker: Web Workers share the wasm memory.
    query: 'backend=wasm&preset=modern&limit=640&epochs=2&testLimit=500',
    description: /^WebAssembly SIMD \(relaxed FMA, (\d+ threads, Web Workers|1 thread: the browser reports one core)\)$/,
    check: (run) => expect(run.epochs[1]!.loss).toBeLessThan(run.epochs[0]!.loss),
    timeoutMs: 90_000,
  },
  // The bar for the GPU modes (here on SwiftShader, software: ~30 samples/s, about a minute each).
  {
    query: 'backend=gpujs:webgpu&preset=modern&limit=640&epochs=2&testLimit=500',
    description: /^on WebGPU adapter .+\[software/,
    check: (run) => expect(run.epochs[1]!.loss).toBeLessThan(run.epochs[0]!.loss),
    timeoutMs: 180_000,
  },
  {
    query: 'backend=gpujs:webgl2&preset=modern&limit=640&epochs=2&testLimit=500',
    description: /^on WebGL2 renderer .+\[software\]$/,
    check: (run) => expect(run.epochs[1]!.loss).toBeLessThan(run.epochs[0]!.loss),
    timeoutMs: 180_000,
  },
  {
    query: 'backend=tfjs:webgl&preset=modern&limit=640&epochs=2&testLimit=500',
    description: /^WebGL 2, ANGLE .*SwiftShader.* \(software\)$/,
    check: (run) => expect(run.epochs[1]!.loss).toBeLessThan(run.epochs[0]!.loss),
    timeoutMs: 150_000,
  },
];

describe("training in headless Chromium (in the page's Worker)", () => {
  let served: PlaygroundServer;
  let chromium: Chromium;
  beforeAll(async () => {
    [served, chromium] = await Promise.all([servePlayground(), launchChromium()]);
  });
  afterAll(async () => {
    await chromium?.close();
    await served?.close();
  });

  for (const { query, description, check, timeoutMs } of RUNS) {
    it(
      `?${query}&autostart=1 ends done with falling loss`,
      async () => {
        const page = await chromium.newPage();
        try {
          await page.goto(new URL(`?${query}&autostart=1`, served.url).href);
          const status = await waitForStatus(page, timeoutMs);
          const run = (await page.evaluate(() => window.lenetRun)) as LenetRun;
          expect(run.error).toBeNull();
          expect(status).toBe('done');
          expect(run.backend!.description).toMatch(description);
          expect(run.epochs).toHaveLength(2);
          expect(run.epochs.every((e) => Number.isFinite(e.loss) && e.valLoss !== null)).toBe(true);
          expect(run.samplesPerSecond).toBeGreaterThan(0);
          expect(run.test!.accuracy).toBeGreaterThan(0.1);
          check(run);
          // The Keras lines reached the page, with the Backend line first.
          const log = await page.textContent('#log');
          expect(log).toMatch(new RegExp(`^Backend: ${run.backend!.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
          // The live rate in the heading is the epoch's own rate (batch logs arrive in groups; a clock started at
          // the first log once showed 576000 samples/s), so it is within a factor of 3 of the epoch's figure.
          const live = Number(/ - (\d+) samples\/s$/.exec((await page.textContent('#speed')) ?? '')?.[1]);
          expect(live).toBeGreaterThan(run.samplesPerSecond! / 3);
          expect(live).toBeLessThan(run.samplesPerSecond! * 3);
          expect(log).toMatch(/Epoch 2\/2\n\s*\d+\/\d+ \[={30}\] - \d+s \d+[mu]?s\/sample - loss: \d\.\d{4} - accuracy: \d\.\d{4} - val_loss/);
        } finally {
          await page.close();
        }
      },
      timeoutMs + 30_000,
    );
  }
});
