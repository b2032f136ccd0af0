// `lenet crosscheck` as a user runs it (README, "Crosscheck"): its options, the table, the exit code over
// the tolerance, --json, and the --epochs mode. The comparison itself is tested in crosscheck.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, listDir, removeTempDirs, tempDir } from '../test-support/fixtures.js';
import { runInProcess, type CliResult } from '../test-support/run-cli.js';

afterAll(removeTempDirs);

interface Detail {
  step: number;
  backend: string;
  quantity: string;
  name: string;
  maxAbs: number;
  maxRel: number;
  scaled: number;
}
interface JsonReport {
  reference: string;
  steps: number;
  batchSize: number;
  tolerance: number;
  pass: boolean;
  backends: { label: string; ran: string; pass: boolean }[];
  details: Detail[];
}

const QUANTITIES = ['activations', 'gradients', 'loss', 'weights'];

/** The table's rows for `backend`: quantity -> [scaled err, verdict]. */
function rows(stdout: string, backend: string): Map<string, [number, string]> {
  const found = new Map<string, [number, string]>();
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells[0] !== backend || !QUANTITIES.includes(cells[1]!)) continue;
    found.set(cells[1]!, [Number(cells[4]), cells.at(-1)!]);
  }
  return found;
}

let dir: string;
let passing: CliResult;
let report: JsonReport;

beforeAll(async () => {
  dir = tempDir();
  passing = await runInProcess(['crosscheck', '--backends', 'cpu,wasm', '--steps', '2', '--json', join(dir, 'report.json')]);
  report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as JsonReport;
});

describe('crosscheck (steps)', () => {
  it('passes within the default tolerance 1e-3 and exits 0, naming the reference and what each backend ran as', () => {
    expect(passing.code, passing.stderr).toBe(0);
    expect(passing.stderr).toBe('');
    const lines = passing.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Reference: cpu \(pure TypeScript \(\d+ threads?\)\)$/);
    expect(lines[1]).toMatch(/^ {2}wasm ran as wasm:(relaxed|plain): WebAssembly SIMD/);
    expect(passing.stdout).toContain('judged against --tolerance 0.001');
    expect(passing.stdout).toMatch(/^PASS: every backend within 0\.001 \(scaled error\) of cpu \(.+\) over 2 steps$/m);
    expect(lines.at(-1)).toBe(`Full report: ${join(dir, 'report.json')}`);
    expect(listDir(dir)).toEqual(['report.json']);
  });

  it("--json holds every comparison of every step; the table shows each quantity's worst scaled error", () => {
    expect(report).toMatchObject({ steps: 2, batchSize: 32, tolerance: 1e-3, pass: true });
    expect(report.backends.map((b) => [b.label, b.pass])).toEqual([['wasm', true]]);
    expect(new Set(report.details.map((d) => d.step))).toEqual(new Set([1, 2]));
    expect(new Set(report.details.map((d) => d.quantity))).toEqual(new Set(QUANTITIES));
    const table = rows(passing.stdout, 'wasm');
    expect([...table.keys()].sort()).toEqual(QUANTITIES);
    for (const quantity of QUANTITIES) {
      const worst = Math.max(...report.details.filter((d) => d.quantity === quantity).map((d) => d.scaled));
      // The table prints 3 significant digits.
      expect(table.get(quantity)![0], quantity).toBeCloseTo(worst, -Math.floor(Math.log10(worst || 1)) + 2);
      expect(table.get(quantity)![1]).toBe('ok');
    }
  });

  it('exits 1 when a scaled error exceeds --tolerance, marking exactly the rows above it FAIL', async () => {
    // A tolerance between the smallest and the largest worst error this pair really has.
    const worst = QUANTITIES.map((q) => Math.max(...report.details.filter((d) => d.quantity === q).map((d) => d.scaled))).filter((e) => e > 0);
    expect(worst.length).toBeGreaterThan(1);
    const [low, high] = [Math.min(...worst), Math.max(...worst)];
    expect(high / low).toBeGreaterThan(2);
    const tolerance = Number(Math.sqrt(low * high).toPrecision(2));
    const failing = await runInProcess(['crosscheck', '--backends', 'wasm', '--reference', 'cpu', '--steps', '2', '--tolerance', String(tolerance)]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toBe('error: cross-check failed for wasm\n');
    expect(failing.stdout).toMatch(new RegExp(`^FAIL: wasm exceeds ${tolerance} \\(scaled error\\) against cpu`, 'm'));
    const table = rows(failing.stdout, 'wasm');
    expect(table.size).toBe(4);
    for (const [quantity, [scaled, verdict]] of table) expect(verdict, `${quantity} ${scaled}`).toBe(scaled > tolerance ? 'FAIL' : 'ok');
    expect([...table.values()].some(([, v]) => v === 'FAIL')).toBe(true);
    expect([...table.values()].some(([, v]) => v === 'ok')).toBe(true);
  });

  it('--steps sets how many steps are compared', async () => {
    const dir1 = tempDir();
    const one = await runInProcess(['crosscheck', '--backends', 'cpu,wasm', '--steps', '1', '--json', join(dir1, 'r.json')]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/over 1 step\b/);
    const json = JSON.parse(readFileSync(join(dir1, 'r.json'), 'utf8')) as JsonReport;
    expect(new Set(json.details.map((d) => d.step))).toEqual(new Set([1]));
    // The first step of both runs starts from the same seeded weights and batch.
    expect(json.details).toEqual(report.details.filter((d) => d.step === 1));
  });
});

describe('crosscheck --epochs 1', () => {
  it('trains a whole epoch on each backend and prints loss, accuracy and samples/s side by side', async () => {
    const result = await runInProcess(['crosscheck', '--backends', 'cpu', '--reference', 'wasm', '--epochs', '1', '--limit', '320']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Training 1 epoch\(s\) on wasm \(WebAssembly SIMD .+\) \.\.\.$/);
    expect(lines[1]).toMatch(/^Training 1 epoch\(s\) on cpu \(pure TypeScript .+\) \.\.\.$/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['backend', 'loss', 'accuracy', 'val_accuracy', 'test_accuracy', 'samples/s', 'ran as']);
    const table = lines.slice(3).map((line) => line.split(/\s{2,}/));
    expect(table.map((cells) => cells[0])).toEqual(['wasm', 'cpu']);
    for (const cells of table) {
      expect(cells).toHaveLength(7);
      expect(Number(cells[5])).toBeGreaterThan(0);
      for (const cell of cells.slice(2, 5)) expect(Number(cell)).toBeGreaterThanOrEqual(0);
    }
    // Same seeded weights, data and batch order: the float32 backends agree to the printed digits.
    expect(table[1]!.slice(1, 5)).toEqual(table[0]!.slice(1, 5));
    expect(table[0]![6]).toMatch(/^wasm:(relaxed|plain): /);
    expect(table[1]![6]).toMatch(/^cpu: pure TypeScript/);
  });
});

describe('crosscheck refuses bad requests before loading data or starting a backend', () => {
  it('only the reference listed', async () => {
    expectOneLineError(await runInProcess(['crosscheck', '--backends', 'cpu']), 2, /--backends must name at least one backend besides the reference cpu/, {
      usage: true,
    });
  });

  it('an unknown backend', async () => {
    expectOneLineError(await runInProcess(['crosscheck', '--backends', 'cpu,nope']), 2, /nope/, { usage: true });
  });
});
