import type { Dataset } from '@lenet-ts/core';
import type { Peer } from './peer.js';

/** The tfjs namespace the peer runs on (tfjs-node's is a superset of tfjs-core's). */
type Tf = typeof import('@tensorflow/tfjs-core');
type Tfl = typeof import('@tensorflow/tfjs-layers');
type LayersModel = import('@tensorflow/tfjs-layers').LayersModel;

/**
 * tfjs-layers-peer: the same seed LeNet written with tfjs-layers itself (d2l 5.5: sigmoid conv 6@5x5, max-pool,
 * conv 16@5x5, max-pool, dense 120, 84, 10, all sigmoid; sparse categorical cross-entropy on the outputs;
 * SGD lr 0.9; raw pixels), trained with its own model.fit and run with model.predict.
 * `runtime`: `cpu` (@tensorflow/tfjs-backend-cpu), `wasm` (@tensorflow/tfjs-backend-wasm) or `node`
 * (tfjs-node's libtensorflow).
 */
export async function createTfjsLayersPeer(runtime: string): Promise<Peer> {
  let tf: Tf;
  if (runtime === 'node') {
    // Throws (no libtensorflow binary) where tfjs-node's install could not download it; an optional
    // dependency that may not even be installed, hence imported by a name the compiler does not resolve.
    const tfjsNode: string = '@tensorflow/tfjs-node';
    tf = (await import(tfjsNode)) as Tf;
    await tf.setBackend('tensorflow');
  } else if (runtime === 'cpu') {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
  } else if (runtime === 'wasm') {
    tf = await import('@tensorflow/tfjs-core');
    // In Node the package's own loader reads its .wasm binaries from its dist folder.
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm did not initialise');
  } else {
    throw new Error(`unknown tfjs-layers-peer runtime "${runtime}"; expected cpu, wasm or node`);
  }
  await tf.ready();
  const tfl: Tfl = await import('@tensorflow/tfjs-layers');
  const model = lenet(tfl, tf);
  let lastLoss = NaN;
  const tensors = (data: Dataset) => {
    const images = Float32Array.from(data.images);
    return {
      x: tf.tensor4d(images, [data.count, 28, 28, 1]),
      y: tf.tensor1d(Float32Array.from(data.labels)),
    };
  };
  if (runtime === 'wasm') {
    // tfjs-backend-wasm lacks some gradient kernels (Conv2DBackpropFilter in 4.22): one step on two blank
    // images tells a peer that cannot train from one whose figures mean something, before any timing.
    const x = tf.zeros([2, 28, 28, 1]);
    const y = tf.zeros([2]);
    try {
      await model.fit(x, y, { batchSize: 2, epochs: 1, verbose: 0 });
    } catch (error) {
      throw new Error(`tfjs-layers cannot train on tfjs ${tf.getBackend()}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    } finally {
      x.dispose();
      y.dispose();
    }
  }
  return {
    description: `tfjs-layers ${tfl.version_layers} model.fit on tfjs-core ${tf.version_core} backend ${tf.getBackend()}`,
    async train(data, batchSize) {
      const { x, y } = tensors(data);
      const started = performance.now();
      const history = await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
      const seconds = (performance.now() - started) / 1000;
      lastLoss = Number(history.history.loss?.[0] ?? NaN);
      x.dispose();
      y.dispose();
      return seconds;
    },
    async infer(data, batchSize) {
      const { x, y } = tensors(data);
      const started = performance.now();
      const output = model.predict(x, { batchSize }) as import('@tensorflow/tfjs-core').Tensor;
      await output.data();
      const seconds = (performance.now() - started) / 1000;
      output.dispose();
      x.dispose();
      y.dispose();
      return seconds;
    },
    lastLoss: () => lastLoss,
  };
}

function lenet(tfl: Tfl, tf: Tf): LayersModel {
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
  model.compile({ optimizer: tf.train.sgd(0.9), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
