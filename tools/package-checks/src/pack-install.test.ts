import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readmeExamples, type ReadmeExample } from './readme-examples.js';
import { readManifest, WORKSPACE_ROOT } from './workspace.js';

/**
 * Installs the packed tarballs with npm into a project under the OS temp folder (no workspace, no links)
 * and uses them as a stranger would: import and require every package, train LeNet on every backend
 * that needs nothing native, run the `lenet` bin, the published conformance suite and each README's
 * examples.
 *
 * Layout: <tmp>/node_modules holds only vitest (the conformance suite's peer); <tmp>/consumer holds the
 * packages, installed with --omit=optional, so the native optional addons (gpu.js's `gl`, which would build
 * from source for minutes, and @tensorflow/tfjs-node, whose binary download is unreachable) are skipped
 * and the backends fall back as documented. vitest cannot be installed that way (its bundler's native
 * binaries are optional dependencies), so it lives one folder up, where Node's lookup still finds it.
 */

const packed = inject('packed');
const CONSUMER_FILES = fileURLToPath(new URL('../consumer/', import.meta.url));
// Backend ids the consumer trains on; the native ones (tfjs-node, headless-gl) are not installed there.
const BACKENDS = ['cpu', 'wasm', 'tfjs:wasm', 'tfjs:cpu', 'gpujs:webasm', 'gpujs:cpu'] as const;
const SHAPES = ['(1, 24, 24, 6)', '(1, 12, 12, 6)', '(1, 8, 8, 16)', '(1, 4, 4, 16)', '(1, 256)', '(1, 120)', '(1, 84)', '(1, 10)'];

interface TrainReport {
  readonly moduleSystem: 'esm' | 'cjs';
  readonly backend: string;
  readonly description: string;
  readonly losses: number[];
  readonly evaluateLoss: number;
  readonly seconds: number;
}

let host = '';
let consumer = '';
const reports = new Map<string, TrainReport>();
const examples: ReadmeExample[] = packed.flatMap((pkg) => readmeExamples(join(pkg.unpacked, 'README.md'), pkg.name.replace('@lenet-ts/', '')));
// docs/writing-a-backend.md's example is a vitest file: it runs with the conformance suite below.
const guide: ReadmeExample[] = readmeExamples(join(WORKSPACE_ROOT, 'docs/writing-a-backend.md'), 'guide');

function npmInstall(cwd: string, args: string[]): void {
  const started = performance.now();
  // --prefer-offline reuses npm's cache between runs; the registry is only asked for what it lacks.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...args], { cwd, stdio: 'inherit' });
  console.log(
    `npm install ${args.map((arg) => (arg.endsWith('.tgz') ? relative(tmpdir(), arg) : arg)).join(' ')}: ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

function run(command: string, args: string[], cwd = consumer): { status: number | null; stdout: string; stderr: string } {
  // The child is a fresh program, not part of this vitest run: drop vitest's own variables, and colours.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  host = mkdtempSync(join(tmpdir(), 'lenet-ts-pack-install-'));
  consumer = join(host, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'lenet-ts-test-host', private: true }));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'lenet-ts-consumer', private: true }));
  cpSync(CONSUMER_FILES, consumer, { recursive: true });
  for (const example of [...examples, ...guide]) writeFileSync(join(consumer, example.file), example.code);
  const vitestVersion = readManifest(join(WORKSPACE_ROOT, 'node_modules/vitest')).version;
  npmInstall(host, [`vitest@${vitestVersion}`]);
  npmInstall(consumer, ['--omit=optional', ...packed.map((pkg) => pkg.tarball)]);
});

afterAll(() => {
  if (host) rmSync(host, { recursive: true, force: true });
});

describe('packed packages installed with npm outside the workspace', () => {
  it('installs each package once, from its tarball, with no links into the workspace', () => {
    for (const pkg of packed) {
      const installed = join(consumer, 'node_modules', pkg.name);
      expect(lstatSync(installed).isSymbolicLink(), pkg.name).toBe(false);
      expect(realpathSync(installed).startsWith(WORKSPACE_ROOT), pkg.name).toBe(false);
      expect(readManifest(installed).version).toBe(pkg.version);
      // A nested copy would mean a sibling's range did not match the packed version.
      const nested = join(installed, 'node_modules', '@lenet-ts');
      expect(() => readdirSync(nested), `${pkg.name} has its own @lenet-ts copies`).toThrow();
    }
  });

  it.each(['esm', 'cjs'] as const)('%s: imports every package and trains LeNet on each backend to the same losses', (moduleSystem) => {
    const script = moduleSystem === 'esm' ? 'train.mjs' : 'train.cjs';
    for (const backend of BACKENDS) {
      const result = run(process.execPath, [script, backend]);
      expect(result.status, `${script} ${backend}: ${result.stderr}`).toBe(0);
      const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as TrainReport;
      console.log(
        `${moduleSystem} ${backend} (${report.description}): epoch losses ${report.losses.map((l) => l.toFixed(5)).join(' -> ')}, evaluate ${report.evaluateLoss.toFixed(5)}, ${report.seconds.toFixed(2)} s`,
      );
      reports.set(`${moduleSystem}:${backend}`, report);
    }
    const cpu = reports.get(`${moduleSystem}:cpu`)!;
    expect(cpu.losses[1]).toBeLessThan(cpu.losses[0]!);
    for (const backend of BACKENDS) {
      const report = reports.get(`${moduleSystem}:${backend}`)!;
      // Same seed, data and batch order: every float32 backend lands within rounding of the cpu backend.
      expect(report.losses, `${backend}: one loss per epoch`).toHaveLength(cpu.losses.length);
      report.losses.forEach((loss, i) => expect(loss, `${backend} epoch ${i + 1}`).toBeCloseTo(cpu.losses[i]!, 3));
      expect(report.evaluateLoss, `${backend} evaluate`).toBeCloseTo(cpu.evaluateLoss, 3);
    }
  });

  it('CommonJS and ESM builds compute the same training run', () => {
    for (const backend of BACKENDS) {
      const esm = reports.get(`esm:${backend}`);
      const cjs = reports.get(`cjs:${backend}`);
      expect(esm && cjs, `${backend} ran in both module systems`).toBeTruthy();
      expect(cjs!.losses).toEqual(esm!.losses);
    }
  });

  it('the lenet bin prints the eight layer shapes (`lenet summary`)', () => {
    const result = run(join(consumer, 'node_modules/.bin/lenet'), ['summary']);
    console.log(`node_modules/.bin/lenet summary:\n${result.stdout}`);
    expect(result.status, result.stderr).toBe(0);
    // The seed's per-layer lines come first; Keras's summary table follows them.
    const shapes = result.stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes(' output shape\t'))
      .map((line) => line.split('\t')[1]?.trim());
    expect(shapes).toEqual(SHAPES);
  });

  it("runs the published conformance suite (@lenet-ts/core/testing) and the backend guide's example with the consumer's own vitest", () => {
    const testFiles = ['conformance.test.mjs', ...guide.map((example) => example.file)];
    expect(guide.map((example) => example.file)).toEqual(['my-backend.test.mjs']);
    const result = run(join(host, 'node_modules/.bin/vitest'), ['run', '--root', consumer, '--reporter', 'dot', ...testFiles]);
    console.log(`vitest run ${testFiles.join(' ')}:\n${result.stdout.split('\n').slice(-8).join('\n')}`);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`Test Files\\s+${testFiles.length} passed`));
  });

  it('finds a runnable example in every package README', () => {
    const prefixes = new Set(examples.map((example) => example.file.replace(/-\d+\.[cm]js$/, '')));
    expect([...prefixes].sort()).toEqual(
      packed
        .map((pkg) => pkg.name.replace('@lenet-ts/', ''))
        .filter((name) => name !== 'cli')
        .sort(),
    );
  });

  it.each(examples.map((example) => [example.file, example] as const))('README example %s runs', (_file, example) => {
    const result = run(process.execPath, [example.file]);
    console.log(`node ${example.file}:\n${result.stdout}${result.stderr}`);
    expect(result.status, result.stderr).toBe(0);
  });
});
