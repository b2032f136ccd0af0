import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Machine } from './machine.js';
import type { Job } from './plan.js';
import type { ChildResult, Measurement } from './protocol.js';
import { END_MARKER, START_MARKER, toJson, toMarkdown, writeMarkdown, type BenchRun } from './report.js';

const machine: Machine = { cpu: 'Test CPU', cores: 2, memoryGiB: 8, os: 'Test OS', node: 'v20.0.0', commit: 'abc1234', versions: { 'gpu.js': '2.24.1' } };

function measured(task: Measurement['task'], batchSize: number, samplesPerSecond: number): Measurement {
  return { task, batchSize, samplesPerSecond, runs: [samplesPerSecond], samples: 100 };
}

function outcome(backend: string, mode: string, measurements: Measurement[], available = true, description = 'ran'): BenchRun['outcomes'][number] {
  const result: ChildResult = { target: { backend, mode }, description, available, measurements, peakRssMB: 123.4, lastLoss: 2.3, seconds: 1 };
  const job: Job = {
    table: 'main',
    timeoutSeconds: 1,
    request: {
      target: { backend, mode },
      trainBatches: [32, 256],
      inferBatches: [256],
      budget: { runSeconds: 1, runs: 1, warmupSteps: 1, minSteps: 1, maxSteps: 1 },
    },
  };
  return { job, result, xvfb: false };
}

const run: BenchRun = {
  quick: true,
  command: 'pnpm bench --quick',
  machine,
  startedAt: new Date('2026-01-02T03:04:05Z'),
  seconds: 60,
  loadBefore: [0.5, 0.4, 0.3],
  loadAfter: [1, 0.9, 0.8],
  outcomes: [
    outcome('cpu', '2', [measured('train', 32, 3000), measured('train', 256, 4000), measured('infer', 256, 12_000)]),
    outcome('tfjs', 'node', [], false, 'tfjs runtime "node" is unavailable: no libtensorflow'),
    outcome('tfjs-layers-peer', 'cpu', [measured('train', 32, 15), measured('train', 256, 20), measured('infer', 256, 800)]),
  ],
};

describe('the Markdown report', () => {
  it('lists every target with its ratio to the best peer, and says why a mode did not run', () => {
    const md = toMarkdown(run);
    expect(md.startsWith(START_MARKER)).toBe(true);
    expect(md.endsWith(END_MARKER)).toBe(true);
    expect(md).toContain('| cpu | 2 | ran | 3,000 | 4,000 | 12,000 | 123 | 200× | 200× | 15× |');
    expect(md).toContain('| tfjs | node | unavailable here (see below) |');
    expect(md).toContain('- tfjs (node) did not run: tfjs runtime "node" is unavailable: no libtensorflow');
    expect(md).toContain('Load average (1 / 5 / 15 min): 0.50 / 0.40 / 0.30 before, 1.00 / 0.90 / 0.80 after');
    expect(md).toContain('train b32 3,000 samples/s against ≥ 3,000 (met)');
    expect(md).toContain('inference 12,000 samples/s against ≥ 10,000 (met)');
  });

  it('does not judge the ratio to tfjs-layers-peer when it did not run', () => {
    const md = toMarkdown({ ...run, outcomes: run.outcomes.slice(0, 2) });
    expect(md).toContain('the ratio to tfjs-layers-peer (cpu) (≥ 150×) not judged: it did not run');
    expect(md).toContain('| cpu | 2 | ran | 3,000 | 4,000 | 12,000 | 123 | – | – | – |');
    expect(md).not.toMatch(/not met/);
  });

  it('replaces only the section between the markers', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-')), 'BENCHMARKS.md');
    writeFileSync(path, `# Benchmarks\n\nintro\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Full CLI training runs\n\nlead's notes\n`);
    writeMarkdown(path, `${START_MARKER}\nnew\n${END_MARKER}`);
    expect(readFileSync(path, 'utf8')).toBe(`# Benchmarks\n\nintro\n\n${START_MARKER}\nnew\n${END_MARKER}\n\n## Full CLI training runs\n\nlead's notes\n`);
  });

  it('creates the file with a section for the CLI runs, and adds markers to a file without them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    const fresh = join(dir, 'fresh.md');
    writeMarkdown(fresh, `${START_MARKER}\nnew\n${END_MARKER}`);
    expect(readFileSync(fresh, 'utf8')).toMatch(/^# Benchmarks\n\n<!-- bench:start -->\nnew\n<!-- bench:end -->\n\n## Full CLI training runs\n/);
    const old = join(dir, 'old.md');
    writeFileSync(old, '# Title\n\nkept\n');
    writeMarkdown(old, `${START_MARKER}\nnew\n${END_MARKER}`);
    expect(readFileSync(old, 'utf8')).toBe(`# Title\n\n${START_MARKER}\nnew\n${END_MARKER}\n\nkept\n`);
  });
});

describe('the JSON results', () => {
  it('has one entry per backend, mode, task and batch size, the peer included', () => {
    const json = toJson(run) as { results: unknown[]; unavailable: unknown[] };
    expect(json.results).toContainEqual({ backend: 'cpu', mode: '2', task: 'train', batchSize: 32, samplesPerSecond: 3000, peakRssMB: 123.4 });
    expect(json.results).toContainEqual({ backend: 'tfjs-layers-peer', mode: 'cpu', task: 'infer', batchSize: 256, samplesPerSecond: 800, peakRssMB: 123.4 });
    expect(json.results).toHaveLength(6);
    expect(json.unavailable).toEqual([{ backend: 'tfjs', mode: 'node', reason: 'tfjs runtime "node" is unavailable: no libtensorflow' }]);
  });
});
