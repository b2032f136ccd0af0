// The generator of core's external reference, packages/core/src/testing/fixtures/lenet-step-tfjs-layers.json:
// one training step of the seed LeNet computed by tfjs-layers 4.22 on tfjs-backend-cpu, an implementation no
// one on this project wrote. Its inputs are the fixture's seeded weights (kept as committed: they are the
// step's starting point, not a result) and training rows 0..31 of the official Fashion-MNIST train file;
// everything tfjs computes (sigmoid outputs, loss, accuracy, every weight gradient) is computed again here.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';

export const FIXTURE_ROWS = [0, 31] as const;

/** The layers and their weights in the fixture's order; shapes as Keras stores them (HWIO, [in, out]). */
export const FIXTURE_LAYERS = [
  ['conv1', [5, 5, 1, 6]],
  ['conv2', [5, 5, 6, 16]],
  ['dense1', [256, 120]],
  ['dense2', [120, 84]],
  ['dense3', [84, 10]],
] as const;

export type FixtureLayer = (typeof FIXTURE_LAYERS)[number][0];
export type FixtureWeights = Record<FixtureLayer, { kernel: number[]; bias: number[] }>;

/** The JSON file, field for field. */
export interface LenetFixtureJson {
  about: string;
  weights: FixtureWeights;
  batch: { rows: readonly [number, number]; labels: number[]; images: number[] };
  loss: number;
  accuracy: number;
  outputs: number[];
  grads: FixtureWeights;
}

export const FIXTURE_ABOUT =
  'One training step of the seed LeNet computed by tfjs-layers 4.22 (tfjs-backend-cpu, float32), an implementation independent of this project. ' +
  'Layouts: images NHWC raw 0..255 (training rows 0..31 of the official Fashion-MNIST train file); conv kernels HWIO [5,5,in,out]; dense kernels [in,out] row-major; outputs [32,10] sigmoid probabilities. ' +
  'loss = TF 2.0 sparse categorical cross-entropy on sigmoid outputs (q = clip(p,1e-7,1-1e-7); mean of -log(q_y/sum q)). grads = d(loss)/d(weight) before any update. ' +
  'Expect agreement to about 1e-4 relative (float32 accumulation order differs).';

/** Computed values are written with 8 significant digits, as the committed file has them. */
const computed = (values: ArrayLike<number>): number[] => Array.from(values, (v) => Number(v.toPrecision(8)));

/**
 * Runs the step with tfjs-layers: the d2l LeNet (sigmoid everywhere, valid convolutions, 2x2 max-pools),
 * TF 2.0's sparse categorical cross-entropy on the sigmoid outputs (clip, normalise, -log, batch mean; Keras
 * 2.3's formula, which tfjs-layers' own loss orders differently), gradients by tf.variableGrads.
 */
export async function computeLenetFixture(weights: FixtureWeights, images: Uint8Array, labels: Uint8Array): Promise<LenetFixtureJson> {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  await tf.ready();
  const tfl = await import('@tensorflow/tfjs-layers');
  const batch = labels.length;
  if (images.length !== batch * 784) throw new Error(`expected ${batch} images of 28x28, got ${images.length} pixels`);
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, activation: 'sigmoid' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'sigmoid' }),
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 120, activation: 'sigmoid' }),
      tfl.layers.dense({ units: 84, activation: 'sigmoid' }),
      tfl.layers.dense({ units: 10, activation: 'sigmoid' }),
    ],
  });
  model.setWeights(
    FIXTURE_LAYERS.flatMap(([layer, shape]) => [tf.tensor(weights[layer].kernel, [...shape], 'float32'), tf.tensor1d(weights[layer].bias, 'float32')]),
  );
  const x = tf.tensor4d(Float32Array.from(images), [batch, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), 10);
  const epsilon = 1e-7;
  const outputsOf = () => model.apply(x) as Tensor;
  const lossOf = () => {
    const clipped = tf.clipByValue(outputsOf(), epsilon, 1 - epsilon);
    const q = tf.clipByValue(tf.div(clipped, tf.sum(clipped, -1, true)), epsilon, 1 - epsilon);
    return tf.mean<import('@tensorflow/tfjs-core').Scalar>(tf.neg(tf.sum(tf.mul(y, tf.log(q)), -1)));
  };
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  const { value, grads } = tf.variableGrads(lossOf, variables);
  const outputs = await outputsOf().data();
  const gradValues = await Promise.all(variables.map((v) => grads[v.name]!.data()));
  let correct = 0;
  for (let r = 0; r < batch; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (outputs[r * 10 + c]! > outputs[r * 10 + best]!) best = c;
    if (best === labels[r]) correct++;
  }
  const json: LenetFixtureJson = {
    about: FIXTURE_ABOUT,
    weights,
    batch: { rows: FIXTURE_ROWS, labels: Array.from(labels), images: Array.from(images) },
    loss: (await value.data())[0]!,
    accuracy: correct / batch,
    outputs: computed(outputs),
    grads: Object.fromEntries(
      FIXTURE_LAYERS.map(([layer], i) => [layer, { kernel: computed(gradValues[2 * i]!), bias: computed(gradValues[2 * i + 1]!) }]),
    ) as FixtureWeights,
  };
  tf.disposeVariables();
  model.dispose();
  return json;
}
