import { describe, expect, it } from 'vitest';
import { runInProcess } from './test-support/run-cli.js';

const quick = ['--preset', 'modern', '--limit', '64', '--epochs', '1', '--batch-size', '32', '--test-limit', '32'];

describe('the first lines name what ran by its id', () => {
  it('a GPU backend without a GPU says so and names the faster backend for a CPU', async () => {
    const { code, stdout } = await runInProcess(['--backend', 'gpujs:webasm', ...quick]);
    expect(code).toBe(0);
    const [first, second] = stdout.split('\n');
    expect(first).toBe('Backend: gpujs:webasm (WebAssembly kernels)');
    expect(second).toBe('Note: no GPU found, so gpujs:webasm computes on the CPU here; --backend wasm trains faster on a CPU (see BENCHMARKS.md)');
  });

  it('the mode a name alone resolves to is in the id (auto picks it)', async () => {
    const { code, stdout } = await runInProcess(['--backend', 'tfjs', ...quick]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^Backend: tfjs:wasm \(SIMD, 1 thread; tfjs-node not used: .+\)$/);
  });

  it('the default is the fastest backend on a CPU, wasm, and says which instruction set ran', async () => {
    const { code, stdout } = await runInProcess(quick);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^Backend: wasm:(relaxed|plain) \(WebAssembly SIMD \((relaxed FMA|plain), \d+ threads?\)\)$/);
    expect(stdout).not.toContain('Note: no GPU found');
  });

  it('cpu backends need no note', async () => {
    const { code, stdout } = await runInProcess(['--backend', 'cpu', ...quick]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^Backend: cpu \(pure TypeScript \(\d+ threads?\)\)$/);
    expect(stdout).not.toContain('Note: no GPU found');
  });
});
