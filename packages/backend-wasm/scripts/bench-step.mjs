// Times LeNet (the d2l seed recipe from @lenet-ts/lenet) on the built packages: training steps at batch 32
// and inference at batch 256, wasm next to cpu in the same run. Run `pnpm build` first, then
//   node scripts/bench-step.mjs [--threads N] [--only wasm,cpu,wasm-plain] [--rounds R] [--profile] [--train-only]
// --profile sums each primitive's wall time inside the steps; --train-only leaves inference out of the rounds.
// Prints the median of R rounds (the machines are shared, so single rounds are noisy).
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { createLeNet } from '@lenet-ts/lenet';
import { createWasmBackend } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const threads = option('threads') === undefined ? undefined : Number(option('threads'));
const rounds = Number(option('rounds', '7'));
const only = option('only', 'wasm,cpu').split(',');
const profile = args.includes('--profile');
const trainOnly = args.includes('--train-only');

function batchOf(size, seed) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const images = Float32Array.from({ length: size * 784 }, () => (next() < 0.5 ? 0 : Math.floor(next() * 256)));
  const labels = Float32Array.from({ length: size }, () => Math.floor(next() * 10));
  return { images, labels };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wraps every primitive to sum its wall time (only with --profile: the wrapping itself costs a little). */
function profiled(backend) {
  const times = new Map();
  const wrapped = Object.create(backend);
  for (const name of [
    'conv2d',
    'matMul',
    'maxPool',
    'activation',
    'softmax',
    'conv2dBackwardInput',
    'conv2dBackwardFilter',
    'maxPoolBackward',
    'activationBackward',
    'biasGrad',
    'loss',
    'sgdUpdate',
    'upload',
  ]) {
    const original = backend[name].bind(backend);
    wrapped[name] = (...a) => {
      const t0 = performance.now();
      const r = original(...a);
      const key =
        name === 'matMul'
          ? `matMul ${a[3].m}x${a[3].k}x${a[3].n}${a[3].transposeA ? ' tA' : ''}${a[3].transposeB ? ' tB' : ''}`
          : name.startsWith('conv2d')
            ? `${name} C=${a[a.length - (name === 'conv2d' ? 2 : 1)].inChannels}`
            : name;
      times.set(key, (times.get(key) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  return { backend: wrapped, times };
}

async function measure(label, backend) {
  const probe = profile ? profiled(backend) : { backend, times: null };
  const model = createLeNet(probe.backend, { seed: 1 });
  const engine = model.engine;
  const train = batchOf(32, 1);
  const infer = batchOf(256, 2);
  const trainStep = async () => {
    const images = engine.upload(train.images, [32, 28, 28, 1]);
    const labels = engine.upload(train.labels, [32]);
    const step = model.trainStep(images, labels);
    images.dispose();
    labels.dispose();
    await step.loss.data();
    step.loss.dispose();
    step.correct.dispose();
  };
  const inferStep = async () => {
    const out = engine.scope(() => model.forward(engine.upload(infer.images, [256, 28, 28, 1]), false));
    await out.data();
    out.dispose();
  };
  // Samples per second of wall time, and per second of this process's CPU time (all its threads): on a
  // shared machine the second drops the time other processes held the cores.
  const cpuRates = [];
  const timed = async (fn, steps, samples) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) await fn();
    const cpu = process.cpuUsage(c0);
    cpuRates.push((steps * samples) / ((cpu.user + cpu.system) / 1e6));
    return (steps * samples) / ((performance.now() - t0) / 1000);
  };
  await timed(trainStep, 100, 32);
  await timed(inferStep, 10, 256);
  probe.times?.clear();
  const trainRates = [];
  const inferRates = [];
  const trainCpu = [];
  for (let r = 0; r < rounds; r++) {
    trainRates.push(await timed(trainStep, 200, 32));
    trainCpu.push(cpuRates.at(-1));
    if (!trainOnly) inferRates.push(await timed(inferStep, 20, 256));
  }
  console.log(
    `${label.padEnd(12)} ${backend.description.padEnd(40)} train b32 ${median(trainRates).toFixed(0).padStart(7)} samples/s   infer b256 ${trainOnly ? '      -' : median(inferRates).toFixed(0).padStart(7)} samples/s   (min..max train ${Math.min(...trainRates).toFixed(0)}..${Math.max(...trainRates).toFixed(0)}; train per CPU-second ${median(trainCpu).toFixed(0)})${backend.threadBackoffs ? `, fell back to one thread ${backend.threadBackoffs}x` : ''}`,
  );
  if (probe.times) {
    const steps = rounds * 200;
    const total = [...probe.times.values()].reduce((a, b) => a + b, 0);
    for (const [name, ms] of [...probe.times].sort((a, b) => b[1] - a[1]))
      console.log(
        `    ${name.padEnd(34)} ${((ms / total) * 100).toFixed(1).padStart(5)}%  (${trainOnly ? 'train rounds' : 'train + infer rounds'}, ${((ms * 1000) / steps).toFixed(1)} us per train step)`,
      );
  }
  backend.close?.();
}

for (const which of only) {
  if (which === 'wasm') await measure('wasm', await createWasmBackend({ threads }));
  else if (which === 'wasm-plain') await measure('wasm-plain', await createWasmBackend({ threads, simd: 'plain' }));
  else if (which === 'wasm-1') await measure('wasm-1', await createWasmBackend({ threads: 1 }));
  else if (which === 'cpu') await measure('cpu', createCpuBackend(threads === undefined ? {} : { threads }));
}
