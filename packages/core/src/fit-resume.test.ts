import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { Engine } from './engine.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from './layers/index.js';
import { softmaxCrossEntropy } from './losses.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './optimizers.js';
import { RMSprop } from './rmsprop.js';
import { Random } from './random.js';
import { Sequential } from './sequential.js';
import type { FitState } from './training/fit-state.js';
import type { EpochLogs } from './training/logs.js';
import { createReferenceBackend } from './testing/reference-backend.js';

function data(count: number): Dataset {
  const random = new Random(9);
  const images = Uint8Array.from({ length: count * 64 }, () => random.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => images[i * 64 + 27]! % 4);
  return { images, labels, count, sampleShape: [8, 8, 1] };
}

/** Momentum on, so a resume that lost the optimizer's velocities would drift. */
function model(optimizer: () => Optimizer = () => new SGD({ learningRate: 0.3, momentum: 0.9 })): Sequential {
  return new Sequential(
    new Engine(createReferenceBackend()),
    [new Conv2D({ filters: 3, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 4 })],
    { inputShape: [8, 8, 1], inputScale: 1 / 255 },
  )
    .build(3)
    .compile({ loss: softmaxCrossEntropy(), optimizer: optimizer() });
}

const fitOptions = { batchSize: 8, epochs: 3, validationSplit: 0.2, seed: 11, verbose: 0 } as const;
const withoutTimes = (h: readonly EpochLogs[]) => h.map(({ epoch, loss, accuracy, valLoss, valAccuracy }) => ({ epoch, loss, accuracy, valLoss, valAccuracy }));

/** Moves weights, every optimizer slot and the step count into a fresh model, as loading a checkpoint does. */
async function restoreInto(from: Sequential, optimizer?: () => Optimizer): Promise<Sequential> {
  const to = model(optimizer);
  to.setWeights(await from.getWeights());
  const byName = new Map(to.params().map((p) => [p.name, p]));
  const slots = new Map<string, Map<ReturnType<Sequential['params']>[number], Float32Array>>();
  for (const [slot, values] of from.optimizer.slots()) {
    const restored = new Map<ReturnType<Sequential['params']>[number], Float32Array>();
    for (const [p, v] of values) restored.set(byName.get(p.name)!, await v.data());
    slots.set(slot, restored);
  }
  to.optimizer.setSlots(to.engine, slots);
  to.optimizer.iterations = from.optimizer.iterations;
  return to;
}

describe('fit: interrupt and resume', () => {
  it('stopped mid-epoch and resumed in a fresh model, ends with the same weights and history as an uninterrupted fit', async () => {
    const train = data(50);
    const straight = model();
    const expectedHistory = await straight.fit(train, fitOptions);

    const first = model();
    let steps = 0;
    let saved: FitState | null = null;
    const partial = await first.fit(train, {
      ...fitOptions,
      shouldStop: () => ++steps === 8, // asked after each of the 5 steps and once after the epoch: epoch 2, step 2
      onInterrupt: (state) => void (saved = state),
    });
    expect(partial).toHaveLength(1);
    expect(saved).toMatchObject({ epoch: 2, offset: 16 });

    const second = await restoreInto(first);
    const history = await second.fit(train, { ...fitOptions, resumeFrom: saved! });
    expect(withoutTimes(history)).toEqual(withoutTimes(expectedHistory));
    expect((await second.getWeights()).map((w) => Array.from(w))).toEqual((await straight.getWeights()).map((w) => Array.from(w)));
  });

  it("resumed from an epoch-end state, continues with the next epoch's shuffle", async () => {
    const train = data(50);
    const straight = model();
    await straight.fit(train, fitOptions);

    const first = model();
    const states: FitState[] = [];
    await first.fit(train, { ...fitOptions, epochs: 1, onEpochEnd: (_logs, state) => void states.push(state) });
    expect(states[0]).toMatchObject({ epoch: 2, offset: 0, lossSum: 0 });
    expect(states[0]!.history).toHaveLength(1);

    const second = await restoreInto(first);
    await second.fit(train, { ...fitOptions, resumeFrom: states[0]! });
    expect((await second.getWeights()).map((w) => Array.from(w))).toEqual((await straight.getWeights()).map((w) => Array.from(w)));
  });

  it('hands out states that later steps do not change', async () => {
    const states: FitState[] = [];
    await model().fit(data(50), { ...fitOptions, onEpochEnd: (_logs, state) => void states.push(state) });
    expect(states.map((s) => s.epoch)).toEqual([2, 3, 4]);
    expect(Array.from(states[0]!.order)).not.toEqual(Array.from(states[1]!.order));
    expect(states[0]!.random).not.toEqual(states[1]!.random);
  });

  it('refuses a state made for other data', async () => {
    const states: FitState[] = [];
    await model().fit(data(50), { ...fitOptions, epochs: 1, onEpochEnd: (_logs, state) => void states.push(state) });
    await expect(model().fit(data(60), { ...fitOptions, resumeFrom: states[0]! })).rejects.toThrow(/covers 40 training rows, this data has 48/);
  });

  for (const [name, optimizer] of [
    ['Adam', () => new Adam({ learningRate: 0.01 })],
    ['RMSprop', () => new RMSprop({ learningRate: 0.01 })],
  ] as const) {
    it(`with ${name}: stopped mid-epoch and resumed in a fresh model, ends bit-identical to an uninterrupted fit (moments and step count restored)`, async () => {
      const train = data(50);
      const straight = model(optimizer);
      const expectedHistory = await straight.fit(train, fitOptions);

      const first = model(optimizer);
      let steps = 0;
      let saved: FitState | null = null;
      await first.fit(train, { ...fitOptions, shouldStop: () => ++steps === 8, onInterrupt: (state) => void (saved = state) });
      expect([...first.optimizer.slots().keys()]).toEqual(name === 'Adam' ? ['m', 'v'] : ['v']);
      expect(first.optimizer.iterations).toBe(7);

      const second = await restoreInto(first, optimizer);
      const history = await second.fit(train, { ...fitOptions, resumeFrom: saved! });
      expect(withoutTimes(history)).toEqual(withoutTimes(expectedHistory));
      expect((await second.getWeights()).map((w) => Array.from(w))).toEqual((await straight.getWeights()).map((w) => Array.from(w)));
    });

    it(`with ${name}: a resume that forgets the step count does not reproduce the run (the test can fail)`, async () => {
      const train = data(50);
      const straight = model(optimizer);
      await straight.fit(train, fitOptions);
      const first = model(optimizer);
      let steps = 0;
      let saved: FitState | null = null;
      await first.fit(train, { ...fitOptions, shouldStop: () => ++steps === 8, onInterrupt: (state) => void (saved = state) });
      const second = await restoreInto(first, optimizer);
      second.optimizer.iterations = 0;
      second.optimizer.setSlots(second.engine, new Map());
      await second.fit(train, { ...fitOptions, resumeFrom: saved! });
      expect((await second.getWeights()).map((w) => Array.from(w))).not.toEqual((await straight.getWeights()).map((w) => Array.from(w)));
    });
  }
});
