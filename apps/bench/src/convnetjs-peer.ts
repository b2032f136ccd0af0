import { Random, type Dataset } from '@lenet-ts/core';
import type { Peer } from './peer.js';

type Convnetjs = typeof import('convnetjs');

/**
 * What the ConvNetJS LeNet cannot share with the seed recipe, for the report's notes: ConvNetJS's only
 * classification loss is softmax cross-entropy on a last dense layer of its own.
 */
export const CONVNETJS_RECIPE_NOTE =
  "ConvNetJS cannot express the last sigmoid nor TF2's cross-entropy on sigmoid outputs: its LeNet ends in dense 10 with softmax cross-entropy (its only classification loss); weights start from its own N(0, 1/fan-in) init, not Glorot; it works in float64 on one thread, one image at a time (training updates with the mean gradient of every 32 images, as batch 32 does; inference has no batches)";

/**
 * convnetjs-peer: the seed LeNet in ConvNetJS (npm `convnetjs`): conv 6@5x5 sigmoid, 2x2 max-pool, conv 16@5x5
 * sigmoid, 2x2 max-pool, dense 120 sigmoid, dense 84 sigmoid, dense 10 + softmax; raw pixels; plain SGD lr 0.9
 * (no momentum, no decay) with its own Trainer. `seed` makes its weights reproducible.
 */
export async function createConvnetjsPeer(seed: number): Promise<Peer> {
  // A CommonJS module: Node's ESM loader puts module.exports on `default`.
  const loaded = (await import('convnetjs')) as Convnetjs & { default?: Convnetjs };
  const convnetjs = loaded.default ?? loaded;
  const net = new convnetjs.Net();
  // ConvNetJS draws its initial weights from Math.random, which cannot be seeded: lend it a seeded
  // generator while the layers are made, so two runs start from the same weights.
  withRandom(new Random(seed), () =>
    net.makeLayers([
      { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
      { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 0, activation: 'sigmoid' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'sigmoid' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 120, activation: 'sigmoid' },
      { type: 'fc', num_neurons: 84, activation: 'sigmoid' },
      { type: 'softmax', num_classes: 10 },
    ]),
  );
  let trainer: import('convnetjs').Trainer | null = null;
  let trainerBatch = 0;
  let lastLoss = NaN;
  const volumes = (data: Dataset): import('convnetjs').Vol[] => {
    const size = 28 * 28;
    return Array.from({ length: data.count }, (_, i) => {
      const v = new convnetjs.Vol(28, 28, 1, 0);
      // Vol's layout for depth 1 is row-major, like the data set's.
      v.w.set(data.images.subarray(i * size, (i + 1) * size));
      return v;
    });
  };
  return {
    description: 'ConvNetJS 0.3.0 Trainer (plain JavaScript, float64, 1 thread, one image at a time)',
    async train(data, batchSize) {
      // The Trainer counts images across calls and updates every batch_size of them.
      if (trainer === null || trainerBatch !== batchSize) {
        trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.9, momentum: 0, l1_decay: 0, l2_decay: 0, batch_size: batchSize });
        trainerBatch = batchSize;
      }
      const inputs = volumes(data);
      const started = performance.now();
      let sum = 0;
      for (const [i, x] of inputs.entries()) sum += trainer.train(x, data.labels[i]!).cost_loss;
      const seconds = (performance.now() - started) / 1000;
      lastLoss = sum / data.count;
      return seconds;
    },
    async infer(data) {
      const inputs = volumes(data);
      const started = performance.now();
      for (const x of inputs) net.forward(x, false);
      return (performance.now() - started) / 1000;
    },
    lastLoss: () => lastLoss,
  };
}

function withRandom(random: Random, body: () => void): void {
  const original = Math.random;
  Math.random = () => random.next();
  try {
    body();
  } finally {
    Math.random = original;
  }
}
