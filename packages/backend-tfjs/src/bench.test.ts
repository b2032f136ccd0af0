import { Batcher } from '@lenet-ts/core';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { createLeNet } from '@lenet-ts/lenet';
import { it } from 'vitest';
import { createTfjsBackend } from './index.js';

for (const runtime of (process.env.RT ?? 'wasm,cpu').split(',') as ('wasm' | 'cpu')[]) {
  it(`bench ${runtime}`, async () => {
    const data = await loadFashionMnist({ download: false });
    const backend = await createTfjsBackend({ runtime });
    const prof = new Map<string, number>();
    for (const name of ['conv2d', 'matMul', 'maxPool', 'activation', 'conv2dBackwardInput', 'conv2dBackwardFilter', 'maxPoolBackward', 'activationBackward', 'biasGrad', 'loss', 'sgdUpdate', 'upload']) {
      const orig = (backend as any)[name].bind(backend);
      (backend as any)[name] = (...args: unknown[]) => { const t = performance.now(); const r = orig(...args); prof.set(name, (prof.get(name) ?? 0) + performance.now() - t); return r; };
    }
    const model = createLeNet(backend, { seed: 1 });
    const batcher = new Batcher(data.train, 1);
    const order = Array.from({ length: 60000 }, (_, i) => i);
    const steps = Number(process.env.STEPS ?? 60);
    let t0 = 0; let losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      if (s === 10) { t0 = performance.now(); prof.clear(); }
      const b = batcher.fill(order, s * 32, 32);
      const images = model.engine.upload(b.images, [32, 28, 28, 1]);
      const labels = model.engine.upload(b.labels, [32]);
      const r = model.trainStep(images, labels);
      images.dispose(); labels.dispose();
      const [l] = await Promise.all([r.loss.data(), r.correct.data()]);
      r.loss.dispose(); r.correct.dispose();
      losses.push(l![0]!);
    }
    const dt = (performance.now() - t0) / 1000;
    console.log(runtime, [...prof].map(([k, v]) => `${k} ${(v / (steps - 10)).toFixed(2)}ms`).join(', '));
    console.log(runtime, backend.description, `${((steps - 10) * 32 / dt).toFixed(0)} samples/s`, backend.memory(), backend.tf.memory().numTensors, losses.slice(0, 3), losses.slice(-3));
  });
}
