// The parts of Keras' Sequential API a Keras user reaches for first: summary, callbacks with batch logs,
// validation data, train_on_batch, weights by layer name, predict's outputs, input shape checks.
import { describe, expect, it } from 'vitest';
import { terminalOutput } from './node/terminal-output.js';
import { sliceDataset, type Dataset } from './dataset.js';
import { Engine } from './engine.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from './layers/index.js';
import { softmaxCrossEntropy } from './losses.js';
import { SGD } from './optimizers.js';
import { Random } from './random.js';
import { Sequential } from './sequential.js';
import type { BatchLogs } from './training/fit-options.js';
import { createReferenceBackend } from './testing/reference-backend.js';

/** The label is the quadrant (of 4) holding the brightest pixel of an 8x8 image. */
function quadrantData(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < 64; i++) images[n * 64 + i] = random.int(60);
    const label = random.int(4);
    images[n * 64 + ((label >> 1) * 4 + 1 + random.int(2)) * 8 + (label & 1) * 4 + 1 + random.int(2)] = 255;
    labels[n] = label;
  }
  return { images, labels, count, sampleShape: [8, 8, 1] };
}

function model(seed = 1): Sequential {
  return new Sequential(
    new Engine(createReferenceBackend()),
    [new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 4 })],
    { inputShape: [8, 8, 1], inputScale: 1 / 255 },
  )
    .build(seed)
    .compile({ loss: softmaxCrossEntropy(), optimizer: new SGD({ learningRate: 0.5, momentum: 0.5 }) });
}

describe('Sequential, as a Keras user writes it', () => {
  it('summary() is Keras 2 model.summary(): types, output shapes, parameter counts, totals', () => {
    expect(model().summary()).toEqual([
      'Model: "sequential"',
      '_'.repeat(69),
      ' Layer (type)                      Output Shape              Param #',
      '='.repeat(69),
      ' conv2d (Conv2D)                   (None, 6, 6, 4)           40',
      '',
      ' max_pooling2d (MaxPooling2D)      (None, 3, 3, 4)           0',
      '',
      ' flatten (Flatten)                 (None, 36)                0',
      '',
      ' dense (Dense)                     (None, 4)                 148',
      '='.repeat(69),
      'Total params: 188',
      'Trainable params: 188',
      'Non-trainable params: 0',
      '_'.repeat(69),
    ]);
  });

  it('calls onEpochBegin, onBatchBegin and onBatchEnd with Keras batch logs, in order, and validates on validationData', async () => {
    const m = model();
    const data = quadrantData(100, 3);
    const validationData = quadrantData(30, 4);
    const events: string[] = [];
    const ends: BatchLogs[] = [];
    const history = await m.fit(data, {
      batchSize: 32,
      epochs: 2,
      verbose: 0,
      stepsPerRead: 1,
      validationData,
      onEpochBegin: (epoch) => void events.push(`epoch ${epoch}`),
      onBatchBegin: (batch, logs) => void events.push(`begin ${batch} ${logs.size}`),
      onBatchEnd: (batch, logs) => {
        events.push(`end ${batch}`);
        ends.push(logs);
      },
    });
    const epoch = ['begin 0 32', 'end 0', 'begin 1 32', 'end 1', 'begin 2 32', 'end 2', 'begin 3 4', 'end 3'];
    expect(events).toEqual(['epoch 1', ...epoch, 'epoch 2', ...epoch]);
    // The last batch's logs are the epoch's running means: what the epoch reports.
    expect(ends[3]!.loss).toBeCloseTo(history[0]!.loss, 6);
    expect(ends[7]!.accuracy).toBeCloseTo(history[1]!.accuracy, 6);
    const val = await m.evaluate(validationData, { batchSize: 32 });
    expect(history[1]!.valLoss).toBeCloseTo(val.loss, 6);
    expect(history[1]!.valAccuracy).toBe(val.accuracy);
  });

  it('delivers batch logs a read group at a time with the default stepsPerRead', async () => {
    const events: string[] = [];
    await model().fit(quadrantData(100, 3), {
      batchSize: 10,
      verbose: 0,
      stepsPerRead: 4,
      onBatchBegin: (batch) => void events.push(`b${batch}`),
      onBatchEnd: (batch) => void events.push(`e${batch}`),
    });
    expect(events.join(' ')).toBe('b0 b1 b2 b3 e0 e1 e2 e3 b4 b5 b6 b7 e4 e5 e6 e7 b8 b9 e8 e9');
  });

  it('trainOnBatch returns the batch loss and accuracy before the update, as evaluate measures them', async () => {
    const m = model();
    const batch = sliceDataset(quadrantData(32, 5), 0, 32);
    const before = await m.evaluate(batch, { batchSize: 32 });
    const first = await m.trainOnBatch(batch);
    expect(first.loss).toBeCloseTo(before.loss, 5);
    expect(first.accuracy).toBe(before.accuracy);
    let last = first;
    for (let i = 0; i < 20; i++) last = await m.trainOnBatch(batch);
    expect(last.loss).toBeLessThan(first.loss);
  });

  it('gets and sets weights by layer name with full shape checks', async () => {
    const a = model(1);
    const b = model(2);
    const weights = await a.getLayerWeights('conv2d');
    expect(weights.map((w) => [w.name, w.shape])).toEqual([
      ['conv2d/kernel', [3, 3, 1, 4]],
      ['conv2d/bias', [4]],
    ]);
    b.setLayerWeights('conv2d', weights);
    expect(await b.getLayerWeights('conv2d')).toEqual(weights);
    const [kernel, bias] = await a.getLayerWeights('dense');
    const transposed = { shape: [4, 36], values: kernel!.values };
    expect(() => b.setLayerWeights('dense', [transposed, bias!])).toThrow('dense/kernel has shape [36, 4], got [4, 36]; pass a weight of the same shape');
    expect(() => b.setLayerWeights('dense_7', [])).toThrow('no layer named dense_7; the layers are conv2d, max_pooling2d, flatten, dense');
    expect(() => b.setLayerWeights('dense', [kernel!])).toThrow(/layer dense has 2 weights \(dense\/kernel, dense\/bias\), got 1/);
  });

  it("predict returns the last layer's outputs; predictProbabilities and predictClasses derive from them", async () => {
    const m = model();
    const data = quadrantData(7, 6);
    const outputs = await m.predict(data);
    const probabilities = await m.predictProbabilities(data);
    const classes = await m.predictClasses(data);
    expect(outputs).toHaveLength(28);
    expect(probabilities).toHaveLength(28);
    expect(classes).toHaveLength(7);
    for (let n = 0; n < 7; n++) {
      const row = Array.from(outputs.subarray(n * 4, n * 4 + 4));
      const exp = row.map((v) => Math.exp(v - Math.max(...row)));
      const sum = exp.reduce((s, v) => s + v, 0);
      exp.forEach((v, c) => expect(probabilities[n * 4 + c]).toBeCloseTo(v / sum, 6));
      expect(classes[n]).toBe(row.indexOf(Math.max(...row)));
    }
    // Logits, not probabilities: a row of them does not sum to 1.
    expect(Math.abs(outputs.subarray(0, 4).reduce((s, v) => s + v, 0) - 1)).toBeGreaterThan(1e-3);
  });

  it('refuses inputs of another shape up front, naming the shape it takes', async () => {
    const m = model();
    const wrong: Dataset = { images: new Uint8Array(2 * 100), labels: new Uint8Array(2), count: 2, sampleShape: [10, 10, 1] };
    const message = 'this model takes inputs of shape [8, 8, 1] per sample, got [10, 10, 1]; reshape the data to [8, 8, 1]';
    await expect(m.predict(wrong)).rejects.toThrow(message);
    await expect(m.fit(wrong, { verbose: 0 })).rejects.toThrow(message);
    await expect(m.evaluate(wrong)).rejects.toThrow(message);
    await expect(m.trainOnBatch(wrong)).rejects.toThrow(message);
    const short: Dataset = { images: new Uint8Array(100), labels: new Uint8Array(2), count: 2, sampleShape: [8, 8, 1] };
    await expect(m.predict(short)).rejects.toThrow('2 samples of shape [8, 8, 1] are 128 values, got 100; pass count * 64 values');
  });
});

describe('evaluate progress', () => {
  it('draws a live bar on a terminal and leaves only the Keras evaluate line', async () => {
    const m = model();
    const chunks: string[] = [];
    // A terminal as cli-progress drives it: writes, cursor moves, line clears.
    const terminal = {
      isTTY: true,
      columns: 120,
      write: (s: string) => chunks.push(s) > 0,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    };
    // The live bar is Node's (cli-progress), so a terminal gets it through terminalOutput.
    const result = await m.evaluate(quadrantData(200, 7), {
      batchSize: 10,
      verbose: 1,
      stepsPerRead: 1,
      output: terminalOutput(terminal as unknown as NodeJS.WritableStream & { isTTY: boolean }),
    });
    const live = chunks.filter((c) => c.includes('ETA'));
    expect(live.length).toBeGreaterThan(0);
    expect(live[0]).toMatch(/^\s*\d+\/200 \[[=>.]+\] - ETA: /);
    expect(chunks[chunks.length - 1]).toBe(
      `200/200 - ${result.seconds.toFixed(0)}s - loss: ${result.loss.toFixed(4)} - accuracy: ${result.accuracy.toFixed(4)}\n`,
    );
  });

  it('writes only the evaluate line elsewhere', async () => {
    const chunks: string[] = [];
    await model().evaluate(quadrantData(50, 7), { batchSize: 10, verbose: 1, output: { isTTY: false, write: (s: string) => chunks.push(s) > 0 } });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^50\/50 - \d+s - loss: [\d.]+ - accuracy: [\d.]+\n$/);
  });
});

describe('computeGradients', () => {
  it('gives the gradient a finite difference of the loss measures, and changes no weight', async () => {
    const m = model();
    const data = quadrantData(16, 8);
    const before = await m.getLayerWeights('dense');
    const grads = await m.computeGradients(data);
    expect(grads.map((g) => [g.name, g.shape])).toEqual([
      ['conv2d/kernel', [3, 3, 1, 4]],
      ['conv2d/bias', [4]],
      ['dense/kernel', [36, 4]],
      ['dense/bias', [4]],
    ]);
    expect(await m.getLayerWeights('dense')).toEqual(before);
    // d loss / d bias[0] of the last layer, by central difference on the real loss.
    const h = 1e-2;
    const lossWith = async (delta: number) => {
      const bias = Float32Array.from(before[1]!.values);
      bias[0]! += delta;
      m.setLayerWeights('dense', [before[0]!, { shape: [4], values: bias }]);
      return (await m.evaluate(data, { batchSize: 16 })).loss;
    };
    const numeric = ((await lossWith(h)) - (await lossWith(-h))) / (2 * h);
    expect(grads[3]!.values[0]).toBeCloseTo(numeric, 3);
  });
});
