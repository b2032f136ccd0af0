/**
 * The GPU check's runner, bundled into one CommonJS file by gpu-check.sh (so it runs where only node is):
 * for each requested gpu.js mode, opens the backend (or prints why it cannot), runs the whole Backend
 * conformance suite without vitest, then times LeNet training steps (seed recipe, batch 32).
 *
 *   node gpu-check.cjs [--modes webgpu,headlessgl,webasm] [--steps 40] [--fixture path/to/lenet-step-tfjs-layers.json]
 *
 * Exits 1 when a mode that opened fails a check, 2 when no requested GPU mode opened.
 */
import { Random } from '@lenet-ts/core';
import { createLeNet } from '@lenet-ts/lenet';
import { runCheck } from '../../core/src/testing/checks/check.js';
import { conformanceChecks } from '../../core/src/testing/checks/index.js';
import { resolveOptions } from '../../core/src/testing/run-conformance.js';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from '../src/index.js';

const GPU_MODES: readonly GpujsMode[] = ['webgpu', 'headlessgl'];

interface Args {
  readonly modes: readonly GpujsMode[];
  readonly steps: number;
  readonly fixture: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  let modes: GpujsMode[] = ['webgpu', 'headlessgl', 'webasm'];
  let steps = 40;
  let fixture: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--modes' && value) modes = value.split(',') as GpujsMode[];
    else if (argv[i] === '--steps' && value) steps = Number(value);
    else if (argv[i] === '--fixture' && value) fixture = value;
    else continue;
    i++;
  }
  return { modes, steps, fixture };
}

async function conformance(backend: GpujsBackend, fixture: string | undefined): Promise<{ passed: number; failed: string[]; seconds: number }> {
  const started = performance.now();
  const failed: string[] = [];
  let passed = 0;
  for (const check of conformanceChecks) {
    const report = await runCheck(check, backend, resolveOptions({ fixturePath: fixture }));
    if (report.passed) passed++;
    else failed.push(`${check.id}: ${report.failures.slice(0, 3).join(' | ')}`);
  }
  return { passed, failed, seconds: (performance.now() - started) / 1000 };
}

/** Samples per second of trainStep on a fixed random batch of 32, after 3 warm-up steps that compile the kernels. */
async function benchmark(backend: GpujsBackend, steps: number): Promise<{ samplesPerSecond: number; medianMs: number; finalLoss: number }> {
  const batch = 32;
  const random = new Random(5);
  const model = createLeNet(backend, { seed: 1 });
  const x = model.engine.upload(Float32Array.from({ length: batch * 784 }, () => Math.floor(random.next() * 256)), [batch, 28, 28, 1]);
  const y = model.engine.upload(Float32Array.from({ length: batch }, () => Math.floor(random.next() * 10)), [batch]);
  const times: number[] = [];
  let finalLoss = NaN;
  for (let i = 0; i < steps + 3; i++) {
    const started = performance.now();
    const { loss, correct } = model.trainStep(x, y);
    // Reading the loss waits for the device, as a training loop that logs it does.
    finalLoss = (await loss.data())[0]!;
    loss.dispose();
    correct.dispose();
    if (i >= 3) times.push(performance.now() - started);
  }
  x.dispose();
  y.dispose();
  model.dispose();
  const total = times.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  return { samplesPerSecond: (batch * times.length) / (total / 1000), medianMs: sorted[Math.floor(sorted.length / 2)]!, finalLoss };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let failures = 0;
  const ran: GpujsMode[] = [];
  for (const mode of args.modes) {
    let backend: GpujsBackend;
    try {
      backend = await createGpujsBackend({ mode });
    } catch (error) {
      console.log(`[${mode}] unavailable: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    ran.push(mode);
    console.log(`[${mode}] running: ${backend.description}`);
    try {
      const result = await conformance(backend, args.fixture);
      console.log(`[${mode}] conformance: ${result.passed}/${conformanceChecks.length} checks passed in ${result.seconds.toFixed(1)}s`);
      for (const line of result.failed) console.log(`[${mode}]   FAILED ${line}`);
      failures += result.failed.length;
      const bench = await benchmark(backend, args.steps);
      console.log(
        `[${mode}] training (seed LeNet, batch 32, ${args.steps} steps): ${bench.samplesPerSecond.toFixed(0)} samples/s, ` +
          `median step ${bench.medianMs.toFixed(1)} ms, final loss ${bench.finalLoss.toFixed(4)}`,
      );
    } finally {
      backend.close();
    }
  }
  const gpuModes = ran.filter((m) => GPU_MODES.includes(m));
  const verdict = failures > 0 ? 'FAIL' : gpuModes.length > 0 || !args.modes.some((m) => GPU_MODES.includes(m)) ? 'PASS' : 'NO GPU MODE';
  // headlessgl renders wherever the X server's GLX does: under Xvfb that is Mesa's software rasterizer.
  console.log(`${verdict}: ${failures} failed checks; modes that ran: ${ran.join(', ') || 'none'}`);
  if (failures > 0) return 1;
  return verdict === 'PASS' ? 0 : 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
