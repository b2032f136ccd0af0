// A mode asked for by name runs as asked or fails in one line with the reason and exit 1, never a silent
// fallback (README, "Backends and what runs where"). Each case asserts what this machine really does: the
// facts that decide it (is tfjs-node installed, does headless-gl get a context) are found out here first.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, removeTempDirs } from './test-support/fixtures.js';
import { runInProcess, spawnCli, type CliResult } from './test-support/run-cli.js';

afterAll(removeTempDirs);

const QUICK = ['train', '--preset', 'modern', '--limit', '64', '--epochs', '1', '--batch-size', '32', '--test-limit', '32'];

/** Whether @tensorflow/tfjs-node resolves from the tfjs backend (pnpm drops it when its download fails). */
function tfjsNodeInstalled(): boolean {
  const fromTfjsBackend = createRequire(createRequire(import.meta.url).resolve('@lenet-ts/backends/package.json'));
  try {
    createRequire(fromTfjsBackend.resolve('@lenet-ts/backend-tfjs/package.json')).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** Whether headless-gl (gpu.js's optional `gl` addon) makes a WebGL context on this display, asked in a child. */
function headlessGlWorks(): boolean {
  const requireGpujs = createRequire(
    createRequire(createRequire(import.meta.url).resolve('@lenet-ts/backends/package.json')).resolve('@lenet-ts/backend-gpujs/package.json'),
  );
  let gl: string;
  try {
    gl = createRequire(requireGpujs.resolve('gpu.js')).resolve('gl');
  } catch {
    return false;
  }
  try {
    return (
      execFileSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(gl)})(1, 1) !== null))`], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }) === 'true'
    );
  } catch {
    return false;
  }
}

/** Dawn (the `webgpu` package) prints native warnings on stderr; the CLI's own lines are the rest. */
function cliStderr(result: CliResult): CliResult {
  const ours = result.stderr.split('\n').filter((line) => /^(error|warning|interrupt|interrupted|note): /.test(line));
  return { ...result, stderr: ours.length > 0 ? `${ours.join('\n')}\n` : '' };
}

describe('--tf-runtime node / --backend tfjs:node', () => {
  const installed = tfjsNodeInstalled();

  it.each([
    ['--tf-runtime node', ['--backend', 'tfjs', '--tf-runtime', 'node']],
    ['--backend tfjs:node', ['--backend', 'tfjs:node']],
  ])(`%s ${installed ? 'runs tfjs-node (installed here)' : 'fails in one line naming the missing package (not installed here)'}`, async (_what, args) => {
    const result = await runInProcess([...QUICK, ...args]);
    if (installed) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split('\n')[0]).toMatch(/^Backend: tfjs:node \(/);
    } else {
      expectOneLineError(
        result,
        1,
        /^error: tfjs runtime "node" is unavailable: not installed \(optional dependency @tensorflow\/tfjs-node is absent\); use runtime auto \(tfjs:auto\) to fall back to one that loads$/,
      );
      expect(result.stdout).not.toContain('Backend:');
    }
  });
});

describe('--gpujs-mode headlessgl', () => {
  it('without an X display fails in one line saying to run under xvfb-run, and trains nothing', async () => {
    const result = await spawnCli([...QUICK, '--backend', 'gpujs', '--gpujs-mode', 'headlessgl'], { env: { DISPLAY: undefined } }).result;
    expectOneLineError(result, 1, /^error: backend gpujs:headlessgl is unavailable here: no X display \(DISPLAY is not set; run under xvfb-run\)$/);
    expect(result.stdout).toBe('');
  });

  const display = process.env.DISPLAY;
  const works = display !== undefined && headlessGlWorks();
  it(`on this display (${display ?? 'none'}) ${works ? 'runs headless-gl and says so' : 'fails in one line: headless-gl gives no context'}`, async () => {
    const result = await spawnCli([...QUICK, '--gpujs-mode', 'headlessgl', '--backend', 'gpujs']).result;
    if (works) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe('Backend: gpujs:headlessgl (WebGL kernels through headless-gl)');
    } else {
      expectOneLineError(result, 1, /^error: backend gpujs:headlessgl is unavailable here: /);
    }
  });
});

describe('--gpujs-mode webgpu', () => {
  it('with no adapter (EGL told to use X, and no display) fails naming each adapter it tried, and trains nothing', async () => {
    const result = await spawnCli([...QUICK, '--backend', 'gpujs', '--gpujs-mode', 'webgpu'], {
      env: { DISPLAY: undefined, WAYLAND_DISPLAY: undefined, EGL_PLATFORM: 'x11' },
    }).result;
    expectOneLineError(
      cliStderr(result),
      1,
      /^error: backend gpujs:webgpu is unavailable here: no WebGPU adapter; install the GPU's Vulkan driver, or Mesa's EGL .*\(.*opengles has no compatibility-level adapter.*\)$/,
    );
    expect(result.stdout).toBe('');
  });

  it('with one runs on it, names the adapter, and says when it is software', async () => {
    const result = await spawnCli([...QUICK, '--backend', 'gpujs', '--gpujs-mode', 'webgpu'], { env: { DISPLAY: undefined } }).result;
    expect(result.code, result.stderr).toBe(0);
    const [first, second] = result.stdout.split('\n');
    expect(first).toMatch(/^Backend: gpujs:webgpu \(on .+ \[(software|hardware), (core|compatibility) level(, Dawn [^\]]+)?\]\)$/);
    if (first!.includes('[software')) {
      expect(second).toBe('Note: no GPU found, so gpujs:webgpu computes on the CPU here; --backend wasm trains faster on a CPU (see BENCHMARKS.md)');
    } else {
      expect(second).not.toMatch(/^Note: no GPU found/);
    }
  });
});
