import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { adamStepSize, sliceDataset, type Dataset, type Sequential } from '@lenet-ts/core';
import { createLeNet, d2l } from '@lenet-ts/lenet';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { portableModelOf } from './portable-model.js';
import { exportTfjsLayers } from './tfjs-export.js';
import { fashionMnist, loadTfjsLayersModel } from './test-support/models.js';

/*
 * Our Adam (Keras semantics) against tfjs-layers 4.22 training the same d2l LeNet from the same weights on the
 * same real Fashion-MNIST batches. tfjs' tf.train.adam adds epsilon to sqrt(v / (1 - b2^t)), Keras to sqrt(v):
 * tfjs with epsilon / sqrt(1 - b2^t) at step t is exactly Keras, so setting its (runtime) epsilon that way
 * before each step compares the update rules themselves; with its own epsilon the gap is that placement.
 */

const LR = 0.001;
const B1 = 0.9;
const B2 = 0.999;
const EPS = 1e-7;
const BATCH = 32;
const STEPS = 5;

interface Pair {
  readonly ours: Sequential;
  readonly theirs: tfl.LayersModel;
  readonly adam: tf.AdamOptimizer;
  readonly batches: readonly Dataset[];
}

async function pair(): Promise<Pair> {
  const { train } = await fashionMnist();
  const ours = createLeNet(createCpuBackend({ threads: 1 }), { preset: d2l, seed: 3, optimizer: 'adam' });
  const { modelJson, weightsBin } = exportTfjsLayers(await portableModelOf(ours));
  const theirs = await loadTfjsLayersModel(modelJson, () => weightsBin);
  const adam = tf.train.adam(LR, B1, B2, EPS);
  // The d2l recipe's TF 2.0 loss: sparse categorical cross-entropy on sigmoid outputs (the fixture's loss).
  theirs.compile({ optimizer: adam, loss: 'sparseCategoricalCrossentropy' });
  const batches = Array.from({ length: STEPS }, (_, s) => sliceDataset(train, s * BATCH, (s + 1) * BATCH));
  return { ours, theirs, adam, batches };
}

async function stepBoth({ ours, theirs, batches }: Pair, step: number): Promise<void> {
  const batch = batches[step - 1]!;
  await ours.trainOnBatch(batch);
  const x = tf.tensor(Float32Array.from(batch.images), [BATCH, 28, 28, 1]);
  const y = tf.tensor(Float32Array.from(batch.labels), [BATCH]);
  await theirs.trainOnBatch(x, y);
  x.dispose();
  y.dispose();
}

async function weightsOf({ ours, theirs }: Pair): Promise<{ name: string; ours: Float32Array; theirs: Float32Array }[]> {
  const mine = await ours.getWeights();
  const them = await Promise.all(theirs.getWeights().map((w) => w.data() as Promise<Float32Array>));
  return ours.params().map((p, k) => ({ name: p.name, ours: mine[k]!, theirs: them[k]! }));
}

describe('Adam against tfjs-layers (d2l LeNet, batches of 32 real images)', () => {
  it(`with tfjs' epsilon moved to Keras' place, ${STEPS} steps land on the same weights up to float32 rounding`, async () => {
    const p = await pair();
    let worst = 0;
    for (let step = 1; step <= STEPS; step++) {
      (p.adam as unknown as { epsilon: number }).epsilon = EPS / Math.sqrt(1 - B2 ** step);
      await stepBoth(p, step);
      for (const w of await weightsOf(p)) {
        for (let i = 0; i < w.ours.length; i++) {
          // Per step, each side rounds w once (2^-22 |w| covers both) and the update, at most ~lr, comes from
          // gradients that agree to about 1e-4 relative (the tfjs-layers fixture's bound): 1e-4 lr.
          const allowed = step * (2 ** -22 * Math.abs(w.theirs[i]!) + 1e-4 * LR);
          const error = Math.abs(w.ours[i]! - w.theirs[i]!);
          worst = Math.max(worst, error / allowed);
          if (error > allowed)
            expect.fail(
              `step ${step}, ${w.name}[${i}]: ours ${w.ours[i]}, tfjs ${w.theirs[i]}, |error| ${error.toExponential(2)} > ${allowed.toExponential(2)}`,
            );
        }
      }
    }
    console.log(`Adam vs tfjs-layers (Keras epsilon), ${STEPS} steps: worst error ${worst.toFixed(3)} of the allowance`);
    p.ours.dispose();
    p.theirs.dispose();
  });

  it("with tfjs' own epsilon, the first step differs by exactly the epsilon placement (up to 0.7 lr on tiny gradients)", async () => {
    const p = await pair();
    await stepBoth(p, 1);
    const alpha = adamStepSize(LR, B1, B2, 1);
    const slots = p.ours.optimizer.slots();
    const params = p.ours.params();
    let widest = 0;
    for (const [k, w] of (await weightsOf(p)).entries()) {
      const m = await slots.get('m')!.get(params[k]!)!.data();
      const v = await slots.get('v')!.get(params[k]!)!.data();
      for (let i = 0; i < w.ours.length; i++) {
        // tfjs' step is Keras' with epsilon sqrt(1 - b2) times smaller; the difference of the two is the gap.
        const root = Math.sqrt(v[i]!);
        const gap = Math.abs((alpha * m[i]!) / (root + EPS) - (alpha * m[i]!) / (root + EPS * Math.sqrt(1 - B2)));
        widest = Math.max(widest, gap);
        const error = Math.abs(w.ours[i]! - w.theirs[i]!);
        const allowed = gap * (1 + 1e-3) + 2 ** -22 * Math.abs(w.theirs[i]!) + 1e-4 * LR;
        if (error > allowed) expect.fail(`${w.name}[${i}]: |ours - tfjs| ${error.toExponential(2)} is not the epsilon placement's ${gap.toExponential(2)}`);
      }
    }
    console.log(`Adam vs tfjs-layers (tfjs epsilon), step 1: widest gap ${(widest / LR).toFixed(3)} lr`);
    expect(widest).toBeGreaterThan(0.1 * LR);
    p.ours.dispose();
    p.theirs.dispose();
  });
});
