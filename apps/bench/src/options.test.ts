import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';
import { plan } from './plan.js';
import { median } from './stats.js';

describe('options', () => {
  it('resolves paths against the directory pnpm was started from', () => {
    const options = parseOptions(['--quick', '--json', 'out.json', '--only', 'cpu,peer'], '/repo/BENCHMARKS.md', '/home/me');
    expect(options).toEqual({ quick: true, json: '/home/me/out.json', markdown: null, only: ['cpu', 'peer'], noSweeps: false });
  });

  it('writes BENCHMARKS.md only with --write, or the file --markdown names', () => {
    expect(parseOptions([], '/repo/BENCHMARKS.md', '/home/me').markdown).toBeNull();
    expect(parseOptions(['--write'], '/repo/BENCHMARKS.md', '/home/me').markdown).toBe('/repo/BENCHMARKS.md');
    expect(parseOptions(['--markdown', 'b.md'], '/repo/BENCHMARKS.md', '/home/me').markdown).toBe('/home/me/b.md');
  });

  it('rejects unknown options and missing values', () => {
    expect(() => parseOptions(['--fast'], 'x')).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--json'], 'x')).toThrow(/--json needs a value/);
  });
});

describe('plan', () => {
  it('measures every backend and mode, the peer on cpu and node, then the cpu sweeps', () => {
    const jobs = plan(parseOptions([], 'x'));
    const main = jobs.filter((j) => j.table === 'main').map((j) => `${j.request.target.backend}:${j.request.target.mode}`);
    expect(main).toEqual(expect.arrayContaining(['tfjs:node', 'tfjs:wasm', 'tfjs:cpu', 'gpujs:headlessgl', 'gpujs:webgpu', 'gpujs:webasm', 'gpujs:cpu', 'tfjs-layers-peer:cpu', 'tfjs-layers-peer:node']));
    expect(jobs.some((j) => j.table === 'batch-sweep')).toBe(true);
    expect(jobs.filter((j) => j.table === 'thread-sweep').map((j) => j.request.target.mode)).toContain('1');
  });

  it('--only keeps the named targets; --no-sweeps drops the sweeps', () => {
    const jobs = plan(parseOptions(['--only', 'tfjs:wasm,peer', '--no-sweeps'], 'x'));
    expect(jobs.map((j) => `${j.request.target.backend}:${j.request.target.mode}`)).toEqual(['tfjs:wasm', 'tfjs-layers-peer:cpu', 'tfjs-layers-peer:node']);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
