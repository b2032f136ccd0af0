import { describe, expect, it } from 'vitest';
import { sliceDataset, type Dataset } from './dataset.js';
import { Engine } from './engine.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from './layers/index.js';
import { softmaxCrossEntropy, sparseCategoricalCrossentropy } from './losses.js';
import { SGD } from './optimizers.js';
import { Random } from './random.js';
import { Sequential } from './sequential.js';
import type { EpochLogs } from './training/logs.js';
import { createReferenceBackend } from './testing/reference-backend.js';

/** A small learnable problem: the label is the quadrant (of 4) holding the brightest pixel of an 8x8 image. */
function quadrantData(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < 64; i++) images[n * 64 + i] = random.int(60);
    const label = random.int(4);
    const row = (label >> 1) * 4 + 1 + random.int(2);
    const col = (label & 1) * 4 + 1 + random.int(2);
    images[n * 64 + row * 8 + col] = 255;
    labels[n] = label;
  }
  return { images, labels, count, sampleShape: [8, 8, 1] };
}

function smallModel(engine: Engine, seed = 1): Sequential {
  return new Sequential(
    engine,
    [new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 4 })],
    { inputShape: [8, 8, 1], inputScale: 1 / 255 },
  )
    .build(seed)
    .compile({ loss: softmaxCrossEntropy(), optimizer: new SGD({ learningRate: 0.5, momentum: 0.5 }) });
}

const quiet = { write: () => true, isTTY: false };

describe('Sequential', () => {
  it('names layers Keras-style and infers shapes', () => {
    const model = smallModel(new Engine(createReferenceBackend()));
    expect(model.layers.map((l) => `${l.name} ${l.outputShape.join('x')}`)).toEqual(['conv2d 6x6x4', 'max_pooling2d 3x3x4', 'flatten 36', 'dense 4']);
  });

  it('learns a small problem and holds out the last rows for validation, before shuffling', async () => {
    const engine = new Engine(createReferenceBackend());
    const model = smallModel(engine);
    const data = quadrantData(200, 3);
    const lines: string[] = [];
    const history = await model.fit(data, {
      batchSize: 32,
      epochs: 4,
      validationSplit: 0.1,
      seed: 5,
      output: { write: (s: string) => lines.push(s), isTTY: false },
    });
    expect(lines[0]).toBe('Train on 180 samples, validate on 20 samples\n');
    expect(lines.filter((l) => /^180\/180 \[=+\]/.test(l))).toHaveLength(4);
    expect(history[3]!.accuracy).toBeGreaterThan(0.9);
    // The validation logs of the last epoch are exactly an evaluation of rows 180..199 with the final weights.
    const held = await model.evaluate(sliceDataset(data, 180, 200));
    expect(history[3]!.valLoss).toBeCloseTo(held.loss, 6);
    expect(history[3]!.valAccuracy).toBe(held.accuracy);
  });

  it('reshuffles from the seed: the same seed replays a run exactly, another seed does not', async () => {
    const run = async (seed: number): Promise<EpochLogs[]> => {
      const model = smallModel(new Engine(createReferenceBackend()));
      return model.fit(quadrantData(100, 3), { batchSize: 16, epochs: 2, seed, verbose: 0, output: quiet });
    };
    const strip = (h: EpochLogs[]) => h.map(({ loss, accuracy }) => [loss, accuracy]);
    const a = strip(await run(1));
    expect(strip(await run(1))).toEqual(a);
    expect(strip(await run(2))).not.toEqual(a);
  });

  it('weights a partial last batch by its size in the epoch loss', async () => {
    // 40 rows with batch 32: batches of 32 and 8. With no learning (tiny lr) the epoch loss must equal
    // the evaluation loss over the same rows, which averages per row.
    const engine = new Engine(createReferenceBackend());
    const model = new Sequential(engine, [new Flatten(), new Dense({ units: 4, activation: 'sigmoid' })], { inputShape: [8, 8, 1], inputScale: 1 / 255 })
      .build(2)
      .compile({ loss: sparseCategoricalCrossentropy(), optimizer: new SGD({ learningRate: 1e-12 }) });
    const data = quadrantData(40, 9);
    const [logs] = await model.fit(data, { batchSize: 32, epochs: 1, verbose: 0, shuffle: false, output: quiet });
    const evaluated = await model.evaluate(data, { batchSize: 40 });
    expect(logs!.loss).toBeCloseTo(evaluated.loss, 5);
    expect(logs!.accuracy).toBe(evaluated.accuracy);
  });

  it('frees every step tensor: live tensors and backend handles stay flat while training', async () => {
    const engine = new Engine(createReferenceBackend());
    const model = smallModel(engine);
    const data = quadrantData(64, 4);
    await model.fit(data, { batchSize: 32, epochs: 1, verbose: 0, output: quiet });
    const before = engine.memory();
    await model.fit(data, { batchSize: 32, epochs: 5, verbose: 0, output: quiet });
    expect(engine.memory()).toEqual(before);
    model.dispose();
    expect(engine.memory().tensors).toBe(0);
    expect(engine.memory().handles).toBe(0);
  });

  it('round-trips weights with getWeights/setWeights and predicts probabilities', async () => {
    const a = smallModel(new Engine(createReferenceBackend()), 1);
    const b = smallModel(new Engine(createReferenceBackend()), 2);
    b.setWeights(await a.getWeights());
    const data = quadrantData(10, 1);
    const pa = await a.predictProbabilities(data);
    expect(await b.predictProbabilities(data)).toEqual(pa);
    for (let r = 0; r < 10; r++) expect(pa.slice(r * 4, r * 4 + 4).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    expect(() => b.setWeights([new Float32Array(3)])).toThrow(/expected 4 weight arrays/);
  });
});
