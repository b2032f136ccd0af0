import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend.js';
import { Batcher, type Dataset } from '../dataset.js';
import { Engine } from '../engine.js';
import { Dense, Flatten } from '../layers/index.js';
import { softmaxCrossEntropy } from '../losses.js';
import { SGD } from '../optimizers.js';
import { formatLogs } from '../progress.js';
import { Random } from '../random.js';
import { Sequential } from '../sequential.js';
import { createReferenceBackend } from '../testing/reference-backend.js';
import { NonFiniteLossError } from './non-finite-loss-error.js';
import type { BatchEndLogs } from './logs.js';
import { STEPS_PER_READ } from './step-readback.js';

/** A real backend with its calls of `read` and `loss` (one per training or evaluation step) counted. */
function countingBackend(): { backend: Backend; calls: { read: number; loss: number } } {
  const backend = createReferenceBackend();
  const calls = { read: 0, loss: 0 };
  const read = backend.read.bind(backend);
  const loss = backend.loss.bind(backend);
  backend.read = (handle) => (calls.read++, read(handle));
  backend.loss = (input, labels, info) => (calls.loss++, loss(input, labels, info));
  return { backend, calls };
}

function images(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const pixels = Uint8Array.from({ length: count * 16 }, () => random.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => pixels[i * 16 + 5]! % 3);
  return { images: pixels, labels, count, sampleShape: [4, 4, 1] };
}

function model(backend: Backend = createReferenceBackend()): Sequential {
  return new Sequential(new Engine(backend), [new Flatten(), new Dense({ units: 3 })], { inputShape: [4, 4, 1], inputScale: 1 / 255 })
    .build(7)
    .compile({ loss: softmaxCrossEntropy(), optimizer: new SGD({ learningRate: 0.5, momentum: 0.5 }) });
}

/** The sums the loop kept before reads were batched: every step's loss and count read on their own. */
async function perStepSums(m: Sequential, data: Dataset, batchSize: number, steps = Infinity) {
  const batcher = new Batcher(data, m.inputScale);
  let seen = 0;
  let lossSum = 0;
  let correctSum = 0;
  for (let start = 0, step = 0; start < data.count && step < steps; start += batchSize, step++) {
    const size = Math.min(batchSize, data.count - start);
    const batch = batcher.fill(null, start, size);
    const x = m.engine.upload(batch.images, [size, ...data.sampleShape]);
    const y = m.engine.upload(batch.labels, [size]);
    const r = m.trainStep(x, y);
    const [loss, correct] = [(await r.loss.data())[0]!, (await r.correct.data())[0]!];
    for (const t of [x, y, r.loss, r.correct]) t.dispose();
    seen += size;
    lossSum += loss * size;
    correctSum += correct;
  }
  return { seen, lossSum, correctSum };
}

const quiet = { write: () => true, isTTY: false };

describe('fit reads step results back in groups', () => {
  it(`reads once per ${STEPS_PER_READ} steps and at the end of each pass, not once per step`, async () => {
    const { backend, calls } = countingBackend();
    // 80 training rows in 40 steps of 2, then 20 validation rows in 10 batches.
    await model(backend).fit(images(100, 1), { batchSize: 2, validationSplit: 0.2, verbose: 0 });
    expect(calls.loss).toBe(50);
    expect(calls.read).toBe(Math.ceil(40 / STEPS_PER_READ) + Math.ceil(10 / STEPS_PER_READ));
  });

  it('logs and prints exactly the loss and accuracy that per-step reads give', async () => {
    const data = images(75, 2);
    const lines: string[] = [];
    const [logs] = await model().fit(data, { batchSize: 2, shuffle: false, output: { write: (s: string) => lines.push(s), isTTY: false } });
    const expected = await perStepSums(model(), data, 2);
    expect(logs!.loss).toBe(expected.lossSum / expected.seen);
    expect(logs!.accuracy).toBe(expected.correctSum / expected.seen);
    expect(lines[2]!.endsWith(`${formatLogs({ loss: expected.lossSum / 75, accuracy: expected.correctSum / 75 })}\n`)).toBe(true);
  });

  it('reports every step to onBatchEnd in order, with running means that end at the epoch logs', async () => {
    const data = images(75, 2);
    const batches: BatchEndLogs[] = [];
    const [logs] = await model().fit(data, { batchSize: 2, shuffle: false, verbose: 0, onBatchEnd: (_batch, b) => void batches.push(b) });
    expect(batches.map((b) => b.step)).toEqual(Array.from({ length: 38 }, (_, i) => i + 1));
    const last = batches.at(-1)!;
    expect(last).toEqual(expect.objectContaining({ epoch: 1, seen: 75, total: 75, loss: logs!.loss, accuracy: logs!.accuracy }));
    const expected = await perStepSums(model(), data, 2);
    expect(batches.reduce((sum, b) => sum + b.batchLoss * (b.step === 38 ? 1 : 2), 0)).toBeCloseTo(expected.lossSum, 4);
  });

  it('stopped inside a group, hands out a state that counts every step done', async () => {
    const data = images(100, 3);
    let steps = 0;
    let stoppedAt: { offset: number; lossSum: number; correctSum: number } | null = null;
    await model().fit(data, { batchSize: 2, shuffle: false, verbose: 0, shouldStop: () => ++steps === 5, onInterrupt: (s) => void (stoppedAt = s) });
    const expected = await perStepSums(model(), data, 2, 5);
    expect(stoppedAt).toEqual(expect.objectContaining({ offset: 10, lossSum: expected.lossSum, correctSum: expected.correctSum }));
  });

  it(`stops on a NaN loss within ${STEPS_PER_READ} steps and names the step it appeared in`, async () => {
    const { backend, calls } = countingBackend();
    const m = model(backend);
    const clean = images(100, 4);
    await m.fit(clean, { batchSize: 2, verbose: 0, output: quiet });
    const before = m.engine.memory();
    // Row 9 falls in step 5 (batch 2, no shuffle); the NaN then spreads into the weights.
    const poisoned: Dataset = { ...clean, images: Float32Array.from(clean.images, (v, i) => (i === 9 * 16 + 3 ? Number.NaN : v)) };
    calls.loss = 0;
    const error = await m.fit(poisoned, { batchSize: 2, shuffle: false, verbose: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).message).toBe('loss became NaN at epoch 1, step 5: training diverged; lower the learning rate');
    expect(calls.loss).toBe(STEPS_PER_READ);
    expect(m.engine.memory()).toEqual(before);
  });
});
