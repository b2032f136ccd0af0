// Prints a SHA-256 of LeNet's weights after training steps, of the losses, and of inference outputs, on the
// built package: equal lines before and after a kernel change mean bit-identical results. Run `pnpm build`
// first, then
//   node scripts/fingerprint.mjs [--threads N] [--simd auto|relaxed|plain] [--steps S]
import { createHash } from 'node:crypto';
import { createLeNet } from '@lenet-ts/lenet';
import { createWasmBackend } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const threads = Number(option('threads', '1'));
const simd = option('simd', 'auto');
const steps = Number(option('steps', '30'));

// Image-like batches: half zero pixels, the rest 0-255 (raw pixels, as the d2l recipe feeds them).
function batchOf(size, seed) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const images = Float32Array.from({ length: size * 784 }, () => (next() < 0.5 ? 0 : Math.floor(next() * 256)));
  const labels = Float32Array.from({ length: size }, () => Math.floor(next() * 10));
  return { images, labels };
}

const backend = await createWasmBackend({ threads, simd });
const model = createLeNet(backend, { seed: 1 });
const engine = model.engine;
const losses = createHash('sha256');
for (let i = 0; i < steps; i++) {
  const { images, labels } = batchOf(32, i + 1);
  const x = engine.upload(images, [32, 28, 28, 1]);
  const y = engine.upload(labels, [32]);
  const step = model.trainStep(x, y);
  x.dispose();
  y.dispose();
  losses.update(await step.loss.data());
  step.loss.dispose();
  step.correct.dispose();
}
const weights = createHash('sha256');
for (const p of model.params()) weights.update(await p.value.data());
const outputs = createHash('sha256');
for (const size of [32, 256, 7]) {
  const { images } = batchOf(size, 1000 + size);
  const out = engine.scope(() => model.forward(engine.upload(images, [size, 28, 28, 1]), false));
  outputs.update(await out.data());
  out.dispose();
}
console.log(
  `${backend.description}: losses ${losses.digest('hex').slice(0, 16)} weights ${weights.digest('hex').slice(0, 16)} outputs ${outputs.digest('hex').slice(0, 16)}`,
);
backend.close();
