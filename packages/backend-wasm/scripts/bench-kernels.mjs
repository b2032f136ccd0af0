// Times each LeNet-shaped kernel at batch 32 on the built package, in CPU time of this process (so that
// other work on a shared machine, which delays but does not slow the kernels, drops out): the best of 15
// rounds of 10 calls. Run `pnpm build` first, then
//   node scripts/bench-kernels.mjs [auto|relaxed|plain] [threads]
// With more than one thread, CPU time adds up over the threads: read the per-call figures as work, not speed.
import { conv2dInfo, matMulInfo, pool2dInfo } from '@lenet-ts/core';
import { createWasmBackend } from '../dist/index.js';

const simd = process.argv[2] ?? 'auto';
const backend = await createWasmBackend({ threads: Number(process.argv[3] ?? 1), simd });
console.log(backend.description);
const N = 32;
let seed = 1;
const random = (n, scale = 1) => Float32Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 31 - 1) * scale);
const conv1 = conv2dInfo([N, 28, 28, 1], [5, 5, 1, 6]);
const conv2 = conv2dInfo([N, 12, 12, 6], [5, 5, 6, 16]);
const x1 = backend.upload(random(N * 784, 100));
const w1 = backend.upload(random(150, 0.1));
const b1 = backend.upload(random(6));
const x2 = backend.upload(random(N * 864));
const w2 = backend.upload(random(2400, 0.1));
const b2 = backend.upload(random(16));
const dy1 = backend.upload(random(N * 3456));
const dy2 = backend.upload(random(N * 1024));
const a1 = backend.upload(random(N * 3456));
const h = backend.upload(random(N * 256));
const wd = backend.upload(random(256 * 120));
const bd = backend.upload(random(120));
const dz = backend.upload(random(N * 120));

function time(label, flops, call) {
  for (let i = 0; i < 20; i++) backend.dispose(call());
  let us = Infinity;
  for (let r = 0; r < 15; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < 10; i++) backend.dispose(call());
    const used = process.cpuUsage(start);
    us = Math.min(us, (used.user + used.system) / 10);
  }
  const rate = flops > 0 ? `${(flops / us / 1000).toFixed(1).padStart(6)} GFLOP/s` : '';
  console.log(`${label.padEnd(34)} ${us.toFixed(1).padStart(8)} us  ${rate}`);
}

time('conv1 forward, sigmoid', 2 * N * 3456 * 25, () => backend.conv2d(x1, w1, b1, conv1, 'sigmoid'));
time('conv1 forward, linear', 2 * N * 3456 * 25, () => backend.conv2d(x1, w1, b1, conv1, 'linear'));
time('conv2 forward, sigmoid', 2 * N * 1024 * 150, () => backend.conv2d(x2, w2, b2, conv2, 'sigmoid'));
time('conv2 input gradient', 2 * N * 1024 * 150, () => backend.conv2dBackwardInput(dy2, w2, conv2));
time('conv2 filter gradient', 2 * N * 1024 * 150, () => backend.conv2dBackwardFilter(x2, dy2, conv2));
time('conv1 filter gradient', 2 * N * 3456 * 25, () => backend.conv2dBackwardFilter(x1, dy1, conv1));
time('sigmoid, conv1 output (110592)', 0, () => backend.activation(a1, N * 3456, 'sigmoid'));
// Raw pixels saturate many conv1 outputs below -87.3, where the sigmoid flushes to 0 (it must not make subnormals).
const saturated = backend.upload(new Float32Array(N * 3456).fill(-100));
time('sigmoid, saturated inputs (-100)', 0, () => backend.activation(saturated, N * 3456, 'sigmoid'));
time('sigmoid backward, conv1 output', 0, () => backend.activationBackward(dy1, a1, N * 3456, 'sigmoid'));
time('bias gradient, conv1 output', 0, () => backend.biasGrad(dy1, N * 576, 6));
time('max pool 1 (2x2)', 0, () => {
  const { y, argmax } = backend.maxPool(a1, pool2dInfo([N, 24, 24, 6], [2, 2]));
  backend.dispose(argmax);
  return y;
});
const pool1 = pool2dInfo([N, 24, 24, 6], [2, 2]);
const pooled = backend.maxPool(a1, pool1);
const dp1 = backend.upload(random(N * 864));
time('max pool 1 backward', 0, () => backend.maxPoolBackward(dp1, pooled.argmax, pool1));
time('dense1 forward, sigmoid', 2 * N * 256 * 120, () => backend.matMul(h, wd, bd, matMulInfo(N, 256, 120), 'sigmoid'));
time('dense1 kernel gradient (A^T B)', 2 * N * 256 * 120, () => backend.matMul(h, dz, null, matMulInfo(256, N, 120, true, false), 'linear'));
time('dense1 input gradient (A B^T)', 2 * N * 256 * 120, () => backend.matMul(dz, wd, null, matMulInfo(N, 120, 256, false, true), 'linear'));
backend.close();
