import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { provideWebGpu } from './devices/webgpu-provider.js';
import { createGpujsBackend } from './index.js';

const AUTO_TEST = 'auto picks the fastest mode this process can run and says why it skipped the faster ones';

describe('gpujs auto mode', () => {
  it(AUTO_TEST, async () => {
    const webgpu = await provideWebGpu();
    const display = Boolean(process.env.DISPLAY);
    const backend = await createGpujsBackend({ mode: 'auto' });
    // The parent test below reads this line from the child's output.
    console.log(`gpujs auto: ${backend.description}`);
    try {
      if (webgpu.ok) {
        expect(backend.mode).toBe('webgpu');
        return;
      }
      const skipped = backend.unavailable.map((u) => u.mode);
      expect(backend.description).toContain(`webgpu unavailable: ${webgpu.reason}`);
      if (display) {
        // Under xvfb-run (the package's test script) headless-gl renders on Mesa.
        expect(backend.mode).toBe('headlessgl');
        expect(skipped).toEqual(['webgpu']);
      } else {
        expect(backend.mode).toBe('webasm');
        expect(skipped).toEqual(['webgpu', 'headlessgl']);
        expect(backend.description).toMatch(/^webasm \(.*headlessgl unavailable: no X display/);
      }
    } finally {
      backend.close();
    }
  });

  it('falls back to webasm and says so in a process without an X display', () => {
    // A child vitest runs the test above with DISPLAY unset: headless-gl decides once per process.
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (key !== 'DISPLAY' && key !== 'XAUTHORITY' && !key.startsWith('VITEST') && key !== 'NODE_OPTIONS') env[key] = value;
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
    expect(output).toMatch(/gpujs auto: webasm \(.*headlessgl unavailable: no X display \(DISPLAY is not set/);
  });
});
