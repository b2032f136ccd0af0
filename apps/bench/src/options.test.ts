import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from './options.js';
import { plan } from './plan.js';
import { median } from './stats.js';

describe('options', () => {
  it('resolves paths against the directory pnpm was started from', () => {
    const options = parseOptions(['--quick', '--json', 'out.json', '--only', 'cpu,peers'], '/repo/BENCHMARKS.md', '/home/me');
    expect(options).toEqual({ quick: true, json: '/home/me/out.json', markdown: null, only: ['cpu', 'peers'], python: null, noSweeps: false });
  });

  it('--python takes a path relative to the start directory, or a name to look up on PATH', () => {
    expect(parseOptions(['--python', 'venv/bin/python'], 'x', '/home/me').python).toBe('/home/me/venv/bin/python');
    expect(parseOptions(['--python', 'python3.12'], 'x', '/home/me').python).toBe('python3.12');
    expect(() => parseOptions(['--python'], 'x')).toThrow(/--python needs a value/);
  });

  it('--only accepts backend and peer ids; anything else is one line naming the choices', () => {
    expect(parseOptions(['--only', 'wasm,wasm:plain,torch-peer,tfjs-layers-peer:wasm,convnetjs-peer'], 'x').only).toHaveLength(5);
    const bad = () => parseOptions(['--only', 'wasm,pytorch'], 'x');
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(
      /^--only: no target "pytorch"; choose from wasm, wasm:relaxed, wasm:plain, cpu, .*torch-peer, torch-peer:eager, torch-peer:eager-1-thread, convnetjs-peer, convnetjs-peer:js, tfjs-layers-peer, tfjs-layers-peer:cpu, tfjs-layers-peer:wasm, tfjs-layers-peer:node, peers$/,
    );
    expect(() => parseOptions(['--only', 'peer'], 'x')).toThrow(/no target "peer"/);
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
  const ids = (args: string[]) => plan(parseOptions(args, 'x')).map((j) => `${j.request.target.backend}:${j.request.target.mode}`);
  const PEERS = [
    'torch-peer:eager',
    'torch-peer:eager-1-thread',
    'convnetjs-peer:js',
    'tfjs-layers-peer:cpu',
    'tfjs-layers-peer:wasm',
    'tfjs-layers-peer:node',
  ];

  it('measures every backend and mode, every peer on each runtime, then the cpu sweeps', () => {
    const jobs = plan(parseOptions([], 'x'));
    const main = jobs.filter((j) => j.table === 'main').map((j) => `${j.request.target.backend}:${j.request.target.mode}`);
    expect(main).toEqual(
      expect.arrayContaining([
        'wasm:relaxed',
        'wasm:plain',
        'tfjs:node',
        'tfjs:wasm',
        'tfjs:cpu',
        'gpujs:headlessgl',
        'gpujs:webgpu',
        'gpujs:webasm',
        'gpujs:cpu',
        ...PEERS,
      ]),
    );
    expect(main.slice(-PEERS.length)).toEqual(PEERS);
    expect(jobs.some((j) => j.table === 'batch-sweep')).toBe(true);
    expect(jobs.filter((j) => j.table === 'thread-sweep').map((j) => j.request.target.mode)).toContain('1');
  });

  it('--only wasm: the wasm modes beside every peer (the peers are the point), no sweeps', () => {
    expect(ids(['--only', 'wasm'])).toEqual(['wasm:relaxed', 'wasm:plain', ...PEERS]);
  });

  it('--only with peer ids narrows the peers; only peers runs no backend; --no-sweeps drops the sweeps', () => {
    expect(ids(['--only', 'wasm:plain,convnetjs-peer'])).toEqual(['wasm:plain', 'convnetjs-peer:js']);
    expect(ids(['--only', 'tfjs-layers-peer:cpu,torch-peer'])).toEqual(['torch-peer:eager', 'torch-peer:eager-1-thread', 'tfjs-layers-peer:cpu']);
    expect(ids(['--only', 'tfjs:wasm,peers', '--no-sweeps'])).toEqual(['tfjs:wasm', ...PEERS]);
    expect(ids(['--only', 'cpu,peers', '--no-sweeps']).filter((id) => !PEERS.includes(id))).toEqual([`cpu:${availableParallelism()}`]);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
