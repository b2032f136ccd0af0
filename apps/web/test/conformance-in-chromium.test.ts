import { conformanceChecks, type CheckGroup } from '@lenet-ts/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundServer } from '../src/server/server.js';
import type { ConformanceResult } from '../src/page/conformance-run.js';
import { launchChromium, waitForStatus, type Chromium } from './browser.js';
import { servePlayground } from './playground-server.js';

/**
 * Every browser mode, each with the whole suite (timings on 2 shared cores: gpujs:webgl2 and webgl
 * ~15-25 s, webgpu ~20-30 s, tfjs:webgl ~30 s, the CPU modes ~5 s).
 */
const MODES: readonly { id: string; description: RegExp; timeoutMs: number; groups?: readonly CheckGroup[]; inWorker?: true }[] = [
  // Like wasm: this page's main thread may not block in Atomics.wait, so one thread (training in a Worker runs Web Workers).
  {
    id: 'cpu',
    description: /^pure TypeScript \(1 thread: a page's main thread may not Atomics\.wait for Web Workers \(train in a Worker\)\)$/,
    timeoutMs: 60_000,
  },
  // The suite in the page's dedicated Worker (conformance.html?...&in=worker), where cpu shares chunks with Web Workers.
  { id: 'cpu', inWorker: true, description: /^pure TypeScript \(\d+ threads, Web Workers\)$/, timeoutMs: 60_000 },
  { id: 'tfjs:wasm', description: /^SIMD, 1 thread/, timeoutMs: 60_000 },
  // tfjs-backend-webgl on WebGL 2, ANGLE over SwiftShader.
  { id: 'tfjs:webgl', description: /^WebGL 2, ANGLE .*SwiftShader.* \(software\)$/, timeoutMs: 150_000 },
  // backend-wasm's AssemblyScript kernels, relaxed SIMD in Chromium; this page's main thread may not block
  // in Atomics.wait, so one thread here (training, in a Worker, runs Web Workers).
  {
    id: 'wasm',
    description: /^WebAssembly SIMD \(relaxed FMA, 1 thread: a page's main thread may not Atomics\.wait for Web Workers \(train in a Worker\)\)$/,
    timeoutMs: 60_000,
  },
  // WebGPU through navigator.gpu, on SwiftShader here.
  { id: 'gpujs:webgpu', description: /^on WebGPU adapter .*swiftshader.* \[software, core level\]$/i, timeoutMs: 120_000 },
  // gpu.js's WebGL2 and WebGL kernels on ANGLE over SwiftShader.
  { id: 'gpujs:webgl2', description: /^on WebGL2 renderer ANGLE .*SwiftShader.* \[software\]$/, timeoutMs: 120_000 },
  { id: 'gpujs:webgl', description: /^on WebGL renderer ANGLE .*SwiftShader.* \[software\]$/, timeoutMs: 120_000 },
  // gpu.js gives each webasm kernel a WebAssembly.Memory; a page holds ~125, so backend-gpujs keeps 96 kernels.
  { id: 'gpujs:webasm', description: /^WebAssembly kernels$/, timeoutMs: 60_000 },
  // auto in a page: no hardware WebGPU, WebGL2 or WebGL here, so webasm, saying why (the contract checks only).
  {
    id: 'gpujs',
    groups: ['contract'],
    description:
      /^WebAssembly kernels, no GPU found \(webgpu unavailable: only a software adapter, WebGPU adapter .*swiftshader.*; webgl2 unavailable: only a software renderer, WebGL2 renderer ANGLE .*; webgl unavailable: only a software renderer, WebGL renderer ANGLE .*\)$/i,
    timeoutMs: 60_000,
  },
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
    const groups = mode.groups ?? null;
    const expected = conformanceChecks.filter((check) => groups === null || groups.includes(check.group)).length;
    it(
      `passes ${groups === null ? 'every check' : `the ${groups.join(', ')} checks`} on ${mode.id}${mode.inWorker ? ' in a Worker' : ''}`,
      async () => {
        const page = await chromium.newPage();
        try {
          await page.goto(
            new URL(
              `conformance.html?backend=${encodeURIComponent(mode.id)}${groups === null ? '' : `&groups=${encodeURIComponent(groups.join(','))}`}${mode.inWorker ? '&in=worker' : ''}`,
              served.url,
            ).href,
          );
          const status = await waitForStatus(page, mode.timeoutMs);
          const result = (await page.evaluate(() => window.lenetConformance)) as ConformanceResult;
          expect(result.error).toBeNull();
          expect(result.failed).toEqual([]);
          expect(result.total).toBe(expected);
          expect(result.ran).toBe(expected);
          expect(result.passed).toBe(expected);
          expect(result.backend!.description).toMatch(mode.description);
          // In a Worker, the backend's Web Workers (not only the calling thread) ran chunks of the suite.
          if (mode.inWorker) expect(result.workerChunks).toBeGreaterThan(0);
          expect(status).toBe('done');
        } finally {
          await page.close();
        }
      },
      mode.timeoutMs + 30_000,
    );
  }
});
