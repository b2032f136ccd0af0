/**
 * The GPU check's runner, bundled into one CommonJS file by gpu-check.sh (so it runs where only node is).
 * The parent runs every target in a child process of its own (Dawn's OpenGL and headless-gl's GLX cannot
 * share a process): each child opens its backend or says why it cannot, runs the whole Backend conformance
 * suite without vitest (GPU targets), then times LeNet training steps (seed recipe) at each batch size.
 * The parent prints one line per result and writes everything as JSON.
 *
 *   node gpu-check.cjs [--targets gpujs:webgpu,gpujs:headlessgl,tfjs:webgpu,cpu] [--batches 32,256,1024]
 *                      [--seconds 280] [--fixture lenet-step-tfjs-layers.json] [--json gpu-check.json]
 *
 * Exits 0 when every check passed and at least one GPU target ran on a hardware adapter, 1 when a check
 * failed, 2 when no GPU target opened or all ran on software (each one's reason is in the output).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Random, type Backend } from '@lenet-ts/core';
import { createLeNet } from '@lenet-ts/lenet';
import { runCheck } from '../../core/src/testing/checks/check.js';
import { conformanceChecks } from '../../core/src/testing/checks/index.js';
import { resolveOptions } from '../../core/src/testing/run-conformance.js';
import { createTfjsBackend } from '../../backend-tfjs/src/index.js';
import { createGpujsBackend, type GpujsMode } from '../src/index.js';

const GPU_TARGETS = ['gpujs:webgpu', 'gpujs:headlessgl', 'tfjs:webgpu'] as const;
const ALL_TARGETS = [...GPU_TARGETS, 'cpu'] as const;
type Target = (typeof ALL_TARGETS)[number];

/** Share of the time budget each target may use; conformance on tfjs compiles many shaders. */
const SHARE: Record<Target, number> = { 'gpujs:webgpu': 0.3, 'gpujs:headlessgl': 0.2, 'tfjs:webgpu': 0.3, cpu: 0.2 };

interface Args {
  readonly targets: readonly Target[];
  readonly batches: readonly number[];
  readonly seconds: number;
  readonly fixture: string | undefined;
  readonly json: string | undefined;
  readonly child: Target | undefined;
}

interface Conformance {
  readonly passed: number;
  readonly total: number;
  readonly failed: readonly string[];
  readonly seconds: number;
}

interface Training {
  readonly batch: number;
  readonly samplesPerSecond: number;
  readonly medianStepMs: number;
  readonly timedSteps: number;
  readonly finalLoss: number;
}

type TargetResult =
  | { readonly target: Target; readonly available: false; readonly reason: string }
  | {
      readonly target: Target;
      readonly available: true;
      readonly description: string;
      readonly conformance: Conformance | null;
      readonly training: readonly Training[];
      /** Why training stopped early (time budget, an error), else null. */
      readonly note: string | null;
    };

function parseArgs(argv: readonly string[]): Args {
  let targets: Target[] = [...ALL_TARGETS];
  let batches = [32, 256, 1024];
  let seconds = 280;
  let fixture: string | undefined;
  let json: string | undefined;
  let child: Target | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${argv[i]} needs a value`);
    if (argv[i] === '--targets') targets = value.split(',').map(checkTarget);
    else if (argv[i] === '--batches') batches = value.split(',').map(Number);
    else if (argv[i] === '--seconds') seconds = Number(value);
    else if (argv[i] === '--fixture') fixture = value;
    else if (argv[i] === '--json') json = value;
    else if (argv[i] === '--child') child = checkTarget(value);
    else throw new Error(`unknown option ${argv[i]}; see the header of gpu-check.ts`);
    i++;
  }
  return { targets, batches, seconds, fixture, json, child };
}

function checkTarget(value: string): Target {
  if (!(ALL_TARGETS as readonly string[]).includes(value)) throw new Error(`unknown target ${value}; choose from ${ALL_TARGETS.join(', ')}`);
  return value as Target;
}

async function open(target: Target): Promise<Backend> {
  if (target === 'cpu') {
    // External in the bundle: its worker threads load dist/worker.js next to the package.
    const specifier = '@lenet-ts/backend-cpu';
    const cpu = (await import(specifier)) as { createCpuBackend(options?: { threads?: number }): Backend };
    return cpu.createCpuBackend({ threads: availableParallelism() });
  }
  if (target === 'tfjs:webgpu') return createTfjsBackend({ runtime: 'webgpu' });
  return createGpujsBackend({ mode: target.slice('gpujs:'.length) as GpujsMode });
}

async function conformance(backend: Backend, fixture: string | undefined): Promise<Conformance> {
  const started = performance.now();
  const failed: string[] = [];
  let passed = 0;
  for (const check of conformanceChecks) {
    const report = await runCheck(check, backend, resolveOptions({ fixturePath: fixture }));
    if (report.passed) passed++;
    else failed.push(`${check.id}: ${report.failures.slice(0, 3).join(' | ')}`);
  }
  return { passed, total: conformanceChecks.length, failed, seconds: (performance.now() - started) / 1000 };
}

/**
 * Samples per second of trainStep on a fixed random batch, after 2 warm-up steps that compile the kernels;
 * timed steps run until `steps` or `seconds` (at least one). Each step reads its loss back, as a training
 * loop that logs it does.
 */
async function train(backend: Backend, batch: number, seconds: number): Promise<Training> {
  const random = new Random(5);
  const model = createLeNet(backend, { seed: 1 });
  const x = model.engine.upload(
    Float32Array.from({ length: batch * 784 }, () => Math.floor(random.next() * 256)),
    [batch, 28, 28, 1],
  );
  const y = model.engine.upload(
    Float32Array.from({ length: batch }, () => Math.floor(random.next() * 10)),
    [batch],
  );
  const times: number[] = [];
  let finalLoss = NaN;
  const deadline = performance.now() + seconds * 1000;
  try {
    for (let i = 0; i < 52; i++) {
      const started = performance.now();
      const { loss, correct } = model.trainStep(x, y);
      finalLoss = (await loss.data())[0]!;
      loss.dispose();
      correct.dispose();
      if (i >= 2) times.push(performance.now() - started);
      if (times.length > 0 && performance.now() > deadline) break;
    }
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
  const total = times.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    batch,
    samplesPerSecond: (batch * times.length) / (total / 1000),
    medianStepMs: sorted[Math.floor(sorted.length / 2)]!,
    timedSteps: times.length,
    finalLoss,
  };
}

/** Prints what is known so far: a child killed by its time limit still reports what it finished. */
function partial(result: TargetResult): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

/** One target, in this (child) process; prints its result after every phase, the last line is final. */
async function runChild(args: Args, target: Target): Promise<TargetResult> {
  const started = performance.now();
  let backend: Backend;
  try {
    backend = await open(target);
  } catch (error) {
    return { target, available: false, reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const description = backend.description;
    const training: Training[] = [];
    partial({ target, available: true, description, conformance: null, training, note: 'stopped during the conformance suite' });
    const checked = target === 'cpu' ? null : await conformance(backend, args.fixture);
    let note: string | null = null;
    for (let i = 0; i < args.batches.length; i++) {
      const left = args.seconds - (performance.now() - started) / 1000;
      // Warm-up steps are not counted: leave room for them.
      const share = (left * 0.7) / (args.batches.length - i);
      if (share < 1) {
        note = `time budget spent before batch ${args.batches[i]}`;
        break;
      }
      partial({ target, available: true, description, conformance: checked, training, note: `stopped during training at batch ${args.batches[i]}` });
      try {
        training.push(await train(backend, args.batches[i]!, share));
      } catch (error) {
        note = `batch ${args.batches[i]}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        break;
      }
    }
    return { target, available: true, description, conformance: checked, training, note };
  } finally {
    backend.close?.();
  }
}

/** Runs one child per target, each with its share of the budget, and collects the results. */
async function runParent(args: Args): Promise<number> {
  const started = Date.now();
  const results: TargetResult[] = [];
  for (const [i, target] of args.targets.entries()) {
    const left = args.seconds - (Date.now() - started) / 1000;
    // A target that finishes early leaves its time to the ones after it.
    const shares = args.targets.slice(i).reduce((sum, t) => sum + SHARE[t], 0);
    const seconds = Math.max(5, Math.floor((left * SHARE[target]) / shares));
    const result = await spawnChild(args, target, Math.min(seconds, left));
    results.push(result);
    report(result);
  }
  const ranGpu = results.filter((r) => r.available && (GPU_TARGETS as readonly string[]).includes(r.target));
  // A GPU target that opened but did not finish its conformance suite in time counts as one failed check.
  const failures = ranGpu.reduce((n, r) => n + (!r.available ? 0 : r.conformance ? r.conformance.failed.length : 1), 0);
  // The webgpu targets name their adapter "[hardware, ...]" or "[software, ...]" (llvmpipe, lavapipe, SwiftShader).
  const onHardware = ranGpu.filter((r) => r.available && /\[hardware\b/.test(r.description));
  const verdict = failures > 0 ? 'FAIL' : onHardware.length > 0 ? 'PASS' : ranGpu.length > 0 ? 'NO HARDWARE ADAPTER' : 'NO GPU MODE';
  const summary = { verdict, failedChecks: failures, seconds: Math.round((Date.now() - started) / 1000), node: process.version, results };
  const json = JSON.stringify(summary, null, 2);
  if (args.json) writeFileSync(args.json, `${json}\n`);
  console.log(json);
  console.log(
    `${verdict}: ${failures} failed checks; GPU targets that ran: ${ranGpu.map((r) => r.target).join(', ') || 'none'}; on a hardware adapter: ${onHardware.map((r) => r.target).join(', ') || 'none'}`,
  );
  return failures > 0 ? 1 : verdict === 'PASS' ? 0 : 2;
}

function spawnChild(args: Args, target: Target, seconds: number): Promise<TargetResult> {
  const childArgs = [__filename, '--child', target, '--batches', args.batches.join(','), '--seconds', String(Math.max(1, seconds - 5))];
  if (args.fixture) childArgs.push('--fixture', args.fixture);
  const env = { ...process.env };
  // webgpu must find the GPU without X, as on a headless server; headlessgl needs the display.
  if (target.endsWith(':webgpu')) delete env.DISPLAY;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, childArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), seconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ended = signal ? `killed after its ${seconds}s` : `exited ${code}`;
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('RESULT '));
      if (line) {
        const result = JSON.parse(line.slice('RESULT '.length)) as TargetResult;
        // Only a child that finished prints a result with no note left from a phase it was in.
        const finished = code === 0 && !signal;
        return resolve(finished || !result.available ? result : { ...result, note: `${result.note ?? 'stopped'} (${ended})` });
      }
      // Dawn's native warnings are noise here; the error is in the last other lines.
      const tail = `${stderr}${stdout}`
        .split('\n')
        .filter((l) => l.trim() && !/^(Warning: |\s+at )/.test(l))
        .slice(-3)
        .join(' | ');
      resolve({ target, available: false, reason: `child ${ended}: ${tail || 'no output'}` });
    });
  });
}

function report(result: TargetResult): void {
  const tag = `[${result.target}]`;
  if (!result.available) {
    console.log(`${tag} unavailable: ${result.reason}`);
    return;
  }
  console.log(`${tag} running: ${result.description}`);
  if (result.conformance) {
    const c = result.conformance;
    console.log(`${tag} conformance: ${c.passed}/${c.total} checks passed in ${c.seconds.toFixed(1)}s`);
    for (const line of c.failed) console.log(`${tag}   FAILED ${line}`);
  }
  for (const t of result.training) {
    console.log(
      `${tag} training batch ${t.batch}: ${t.samplesPerSecond.toFixed(0)} samples/s, median step ${t.medianStepMs.toFixed(1)} ms over ${t.timedSteps} steps, loss ${t.finalLoss.toFixed(4)}`,
    );
  }
  if (result.note) console.log(`${tag} note: ${result.note}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args.child) return runParent(args);
  const result = await runChild(args, args.child);
  console.log(`RESULT ${JSON.stringify(result)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
