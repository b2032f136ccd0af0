import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { createLeNet } from '@lenet-ts/lenet';
import { loadFashionMnist } from '@lenet-ts/core/data';
const batch = Number(process.argv[2] ?? 32);
const steps = Number(process.argv[3] ?? 200);
const threads = Number(process.argv[4] ?? 1);
const data = await loadFashionMnist({});
const backend = createCpuBackend({ threads });
const times = new Map();
for (const name of ['conv2d','matMul','maxPool','activation','conv2dBackwardInput','conv2dBackwardFilter','maxPoolBackward','activationBackward','biasGrad','loss','sgdUpdate','upload','read','dispose']) {
  const f = backend[name].bind(backend);
  backend[name] = (...args) => { const t = performance.now(); const r = f(...args); const key = name + (name==='conv2d'||name.startsWith('conv2dB') ? ' c' + args[args.length-1 - (name==='conv2d'?1:0)].inChannels : name==='matMul' ? ` ${args[3].m}x${args[3].k}x${args[3].n}${args[3].transposeA?'tA':''}${args[3].transposeB?'tB':''}` : ''); times.set(key, (times.get(key) ?? 0) + performance.now() - t); return r; };
}
const model = createLeNet(backend, { seed: 0 });
const train = { ...data.train, count: batch * steps, images: data.train.images.subarray(0, batch*steps*784), labels: data.train.labels.subarray(0, batch*steps) };
await model.fit(train, { batchSize: batch, epochs: 1, verbose: 0 });
times.clear();
const t0 = performance.now();
await model.fit(train, { batchSize: batch, epochs: 1, verbose: 0 });
const total = performance.now() - t0;
let sum = 0;
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) { sum += v; console.log(k.padEnd(32), (v / steps * 1000).toFixed(0).padStart(6), 'us/step', (100 * v / total).toFixed(1).padStart(5), '%'); }
console.log('total', (total / steps * 1000).toFixed(0), 'us/step; outside backend', (100 - 100 * sum / total).toFixed(1), '%', (batch * steps / total * 1000).toFixed(0), 'samples/s');
backend.close();
