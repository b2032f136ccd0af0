import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { glOwner } from './devices/gl-owner.js';
import { describeAdapter, provideWebGpu } from './devices/webgpu-provider.js';
import { createGpujsBackend, GpujsModeUnavailableError } from './index.js';

const AUTO_TEST = 'auto takes a hardware WebGPU adapter, else webasm, and says when no GPU was found';

describe('gpujs auto mode', () => {
  it(AUTO_TEST, async () => {
    const webgpu = await provideWebGpu();
    const backend = await createGpujsBackend({ mode: 'auto' });
    // The parent test below reads this line from the child's output.
    console.log(`gpujs auto: ${backend.mode} ${backend.description}`);
    try {
      if (webgpu.ok && !webgpu.adapter.software) {
        expect(backend.mode).toBe('webgpu');
        expect(backend.hardware).toBe(true);
        expect(backend.description).toBe(`on ${describeAdapter(webgpu.adapter)}`);
        return;
      }
      const why = webgpu.ok ? `only a software adapter, ${describeAdapter(webgpu.adapter)}, which trains slower than webasm on this CPU` : webgpu.reason;
      expect(backend.mode).toBe('webasm');
      expect(backend.hardware).toBe(false);
      expect(backend.unavailable).toEqual([{ mode: 'webgpu', reason: why }]);
      expect(backend.description).toBe(`WebAssembly kernels, no GPU found (webgpu unavailable: ${why})`);
    } finally {
      backend.close();
    }
  });

  it('refuses headlessgl in a process where webgpu drives OpenGL, instead of letting GLX kill it', async () => {
    await provideWebGpu();
    const attempt = createGpujsBackend({ mode: 'headlessgl' });
    if (glOwner() === 'dawn') {
      await expect(attempt).rejects.toBeInstanceOf(GpujsModeUnavailableError);
      await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
      await expect(attempt).rejects.toThrow(/^backend gpujs:headlessgl is unavailable here: webgpu already drives OpenGL through EGL in this process/);
    } else {
      // Dawn found its adapter without OpenGL (Vulkan): headless-gl may open.
      (await attempt).close();
    }
  });

  it('says no GPU was found in a process without an X display too', () => {
    // A child vitest runs the first test with DISPLAY unset: Dawn then uses EGL without a window system.
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (key !== 'DISPLAY' && key !== 'XAUTHORITY' && key !== 'EGL_PLATFORM' && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
    }
    const child = spawnSync(process.execPath, [vitest, 'run', 'src/auto-mode.test.ts', '-t', AUTO_TEST], {
      cwd: packageRoot,
      env: { ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    const output = `${child.stdout}${child.stderr}`;
    expect(child.status, output).toBe(0);
    expect(output).toMatch(/Tests\s+1 passed/);
    expect(output).toMatch(/gpujs auto: (webgpu on .*\[hardware|webasm WebAssembly kernels, no GPU found \(webgpu unavailable: )/);
  });
});
