import { conformanceChecks } from '@lenet-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundServer } from '../src/server/server.js';
import type { ConformanceResult } from '../src/page/conformance.js';
import { launchChromium, waitForStatus, type Chromium } from './browser.js';
import { servePlayground } from './playground-server.js';

/**
 * The browser modes whose suite passes in Debian's headless Chromium here. Not listed (README, "what runs
 * where"): gpujs:webasm (runs out of WebAssembly memory after 82 checks), tfjs:webgl (passes, but takes
 * 173 s on SwiftShader), gpujs:webgl2/webgl (not built).
 */
const MODES: readonly { id: string; description: RegExp; timeoutMs: number }[] = [
  { id: 'cpu', description: /1 thread, in the browser: cross-origin isolated/, timeoutMs: 60_000 },
  { id: 'tfjs:wasm', description: /^SIMD, 1 thread/, timeoutMs: 60_000 },
  // WebGPU through navigator.gpu, on SwiftShader here (about 20 s).
  { id: 'gpujs:webgpu', description: /^on .+\[software/, timeoutMs: 120_000 },
];

describe('the conformance suite in headless Chromium', () => {
  let served: PlaygroundServer;
  let chromium: Chromium;
  beforeAll(async () => {
    [served, chromium] = await Promise.all([servePlayground(), launchChromium()]);
  });
  afterAll(async () => {
    await chromium?.close();
    await served?.close();
  });

  for (const mode of MODES) {
    it(`passes every check on ${mode.id}`, async () => {
      const page = await chromium.newPage();
      try {
        await page.goto(new URL(`conformance.html?backend=${encodeURIComponent(mode.id)}`, served.url).href);
        const status = await waitForStatus(page, mode.timeoutMs);
        const result = (await page.evaluate(() => window.lenetConformance)) as ConformanceResult;
        expect(result.error).toBeNull();
        expect(result.failed).toEqual([]);
        expect(result.ran).toBe(conformanceChecks.length);
        expect(result.passed).toBe(conformanceChecks.length);
        expect(result.backend!.description).toMatch(mode.description);
        expect(status).toBe('done');
      } finally {
        await page.close();
      }
    }, mode.timeoutMs + 30_000);
  }
});
