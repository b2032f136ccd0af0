import { loadFashionMnist } from '@lenet-ts/core/data';
import { createLeNet } from '@lenet-ts/lenet';
import { createTarget } from './backends.js';
import { inferPass, measurePass, Trainer, type Pass } from './measure.js';
import { createPeer } from './peer.js';
import { isPeer } from './peer-target.js';
import type { ChildRequest, ChildResult, Measurement } from './protocol.js';

/**
 * Measures one backend in one mode, or one JavaScript peer, as `request` says. The harness runs it in a
 * process of its own (child.ts), so that its peak RSS is its own and no JIT or allocator state leaks
 * between backends; the tests call it directly.
 */
export async function measureTarget(request: ChildRequest): Promise<ChildResult> {
  const started = performance.now();
  const { target, budget } = request;
  const data = await loadFashionMnist();
  let description: string;
  let train: Pass;
  let infer: Pass;
  let lastLoss: () => number;
  let close = (): void => {};
  try {
    if (isPeer(target.backend)) {
      const peer = await createPeer(target);
      ({ description, train, infer } = peer);
      lastLoss = () => peer.lastLoss();
    } else {
      const backend = await createTarget(target);
      const model = createLeNet(backend, { seed: 0 });
      const trainer = new Trainer(model, 0);
      description = backend.description;
      train = trainer.pass;
      infer = inferPass(model);
      lastLoss = () => trainer.lastLoss;
      close = () => backend.close?.();
    }
  } catch (error) {
    // The mode does not run here (no libtensorflow, no X display, no WebGPU): say why, measure nothing.
    return { target, description: oneLine(error), available: false, measurements: [], peakRssMB: peakRssMB(), seconds: (performance.now() - started) / 1000 };
  }
  const measurements: Measurement[] = [];
  for (const batchSize of request.trainBatches) {
    const m = await measurePass('train', train, data.train, batchSize, budget);
    progress(`${label(request)} train batch ${batchSize}: ${m.samplesPerSecond.toFixed(1)} samples/s`);
    measurements.push(m);
  }
  for (const batchSize of request.inferBatches) {
    const m = await measurePass('infer', infer, data.test, batchSize, budget);
    progress(`${label(request)} infer batch ${batchSize}: ${m.samplesPerSecond.toFixed(1)} samples/s`);
    measurements.push(m);
  }
  close();
  return { target, description, available: true, measurements, peakRssMB: peakRssMB(), lastLoss: lastLoss(), seconds: (performance.now() - started) / 1000 };
}

function peakRssMB(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

function label(request: ChildRequest): string {
  return `  ${request.target.backend} (${request.target.mode})`;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
