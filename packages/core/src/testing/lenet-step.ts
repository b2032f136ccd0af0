import type { Backend, LossInfo } from '../backend.js';
import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from '../geometry.js';
import { conv2dInfo, matMulInfo, pool2dInfo, sizeOf } from '../geometry.js';
import { withScope } from './handle-scope.js';
import * as reference from './reference.js';
import type { Numbers } from './reference.js';

/**
 * One training step of the seed LeNet (d2l TF2 5.5): conv(6,5) sigmoid, maxpool 2, conv(16,5) sigmoid,
 * maxpool 2, flatten, dense 120/84/10 sigmoid, TF 2.0 sparse categorical cross-entropy on the sigmoid
 * outputs, plain SGD. Written twice: with Backend primitives only, and in float64 with reference.ts.
 */

export const LENET_PARAMETERS = [
  'conv1.kernel',
  'conv1.bias',
  'conv2.kernel',
  'conv2.bias',
  'dense1.kernel',
  'dense1.bias',
  'dense2.kernel',
  'dense2.bias',
  'dense3.kernel',
  'dense3.bias',
] as const;

export type LenetParameter = (typeof LENET_PARAMETERS)[number];
export type LenetWeights<T> = Record<LenetParameter, T>;

/** Shapes as Keras stores them: conv kernels HWIO, dense kernels [in, out]. */
export const LENET_PARAMETER_SHAPES: LenetWeights<readonly number[]> = {
  'conv1.kernel': [5, 5, 1, 6],
  'conv1.bias': [6],
  'conv2.kernel': [5, 5, 6, 16],
  'conv2.bias': [16],
  'dense1.kernel': [256, 120],
  'dense1.bias': [120],
  'dense2.kernel': [120, 84],
  'dense2.bias': [84],
  'dense3.kernel': [84, 10],
  'dense3.bias': [10],
};

export const LENET_CLASSES = 10;

export interface LenetGeometry {
  readonly batch: number;
  readonly conv1: Conv2DInfo;
  readonly pool1: Pool2DInfo;
  readonly conv2: Conv2DInfo;
  readonly pool2: Pool2DInfo;
  /** Flattened pool2 output per row (4*4*16 = 256). */
  readonly flat: number;
  readonly dense1: MatMulInfo;
  readonly dense2: MatMulInfo;
  readonly dense3: MatMulInfo;
  readonly loss: LossInfo;
}

export function lenetGeometry(batch: number): LenetGeometry {
  const conv1 = conv2dInfo([batch, 28, 28, 1], LENET_PARAMETER_SHAPES['conv1.kernel']);
  const pool1 = pool2dInfo(conv1.outShape, [2, 2]);
  const conv2 = conv2dInfo(pool1.outShape, LENET_PARAMETER_SHAPES['conv2.kernel']);
  const pool2 = pool2dInfo(conv2.outShape, [2, 2]);
  const flat = pool2.outHeight * pool2.outWidth * pool2.channels;
  return {
    batch,
    conv1,
    pool1,
    conv2,
    pool2,
    flat,
    dense1: matMulInfo(batch, flat, 120),
    dense2: matMulInfo(batch, 120, 84),
    dense3: matMulInfo(batch, 84, LENET_CLASSES),
    loss: { kind: 'sparse-categorical-crossentropy', batch, classes: LENET_CLASSES, epsilon: 1e-7 },
  };
}

export interface LenetStepInput {
  readonly weights: LenetWeights<Numbers>;
  /** [batch, 28, 28, 1] NHWC pixels. */
  readonly images: Numbers;
  /** Class ids. */
  readonly labels: Numbers;
  readonly batch: number;
  readonly learningRate: number;
}

export interface LenetStepResult<T extends Numbers> {
  /** Batch-mean loss before the update. */
  readonly loss: number;
  readonly correct: number;
  /** [batch, 10] sigmoid outputs. */
  readonly outputs: T;
  /** d(loss)/d(parameter) before the update. */
  readonly grads: LenetWeights<T>;
  /** Parameters after plain SGD. */
  readonly updated: LenetWeights<T>;
}

/** The step in float64, from reference.ts. */
export function referenceLenetStep(input: LenetStepInput): LenetStepResult<Float64Array> {
  const g = lenetGeometry(input.batch);
  const w = input.weights;
  const a1 = reference.conv2d(input.images, w['conv1.kernel'], w['conv1.bias'], g.conv1, 'sigmoid');
  const p1 = reference.maxPool(a1, g.pool1);
  const a2 = reference.conv2d(p1.y, w['conv2.kernel'], w['conv2.bias'], g.conv2, 'sigmoid');
  const p2 = reference.maxPool(a2, g.pool2);
  const h1 = reference.matMul(p2.y, w['dense1.kernel'], w['dense1.bias'], g.dense1, 'sigmoid');
  const h2 = reference.matMul(h1, w['dense2.kernel'], w['dense2.bias'], g.dense2, 'sigmoid');
  const outputs = reference.matMul(h2, w['dense3.kernel'], w['dense3.bias'], g.dense3, 'sigmoid');
  const loss = reference.loss(outputs, input.labels, g.loss);

  const dense = (x: Numbers, y: Numbers, dy: Numbers, kernel: Numbers, info: MatMulInfo) => {
    const dz = reference.activationBackward(dy, y, 'sigmoid');
    return {
      kernel: reference.matMul(x, dz, null, matMulInfo(info.k, info.m, info.n, true, false), 'linear'),
      bias: reference.biasGrad(dz, info.m, info.n),
      input: reference.matMul(dz, kernel, null, matMulInfo(info.m, info.n, info.k, false, true), 'linear'),
    };
  };
  const d3 = dense(h2, outputs, loss.gradient, w['dense3.kernel'], g.dense3);
  const d2 = dense(h1, h2, d3.input, w['dense2.kernel'], g.dense2);
  const d1 = dense(p2.y, h1, d2.input, w['dense1.kernel'], g.dense1);
  const dz2 = reference.activationBackward(reference.maxPoolBackward(d1.input, p2.argmax, g.pool2), a2, 'sigmoid');
  const dp1 = reference.conv2dBackwardInput(dz2, w['conv2.kernel'], g.conv2);
  const dz1 = reference.activationBackward(reference.maxPoolBackward(dp1, p1.argmax, g.pool1), a1, 'sigmoid');
  const grads: LenetWeights<Float64Array> = {
    'conv1.kernel': reference.conv2dBackwardFilter(input.images, dz1, g.conv1),
    'conv1.bias': reference.biasGrad(dz1, g.batch * g.conv1.outHeight * g.conv1.outWidth, g.conv1.outChannels),
    'conv2.kernel': reference.conv2dBackwardFilter(p1.y, dz2, g.conv2),
    'conv2.bias': reference.biasGrad(dz2, g.batch * g.conv2.outHeight * g.conv2.outWidth, g.conv2.outChannels),
    'dense1.kernel': d1.kernel,
    'dense1.bias': d1.bias,
    'dense2.kernel': d2.kernel,
    'dense2.bias': d2.bias,
    'dense3.kernel': d3.kernel,
    'dense3.bias': d3.bias,
  };
  const updated = mapWeights(
    (name) => reference.sgdUpdate(w[name], grads[name], null, { size: w[name].length, learningRate: input.learningRate, momentum: 0, nesterov: false }).param,
  );
  return { loss: loss.loss, correct: loss.correct, outputs, grads, updated };
}

/** The step through Backend primitives only; every handle it creates is disposed before it returns. */
export async function backendLenetStep<H>(backend: Backend<H>, input: LenetStepInput): Promise<LenetStepResult<Float32Array>> {
  const g = lenetGeometry(input.batch);
  return withScope(backend, async (scope) => {
    const upload = (values: Numbers) => scope.uploadMutable(Float32Array.from(values));
    const w = mapWeights((name) => upload(input.weights[name]));
    const images = upload(input.images);
    const labels = upload(input.labels);

    const a1 = scope.keep(backend.conv2d(images, w['conv1.kernel'], w['conv1.bias'], g.conv1, 'sigmoid'));
    const p1 = backend.maxPool(a1, g.pool1);
    scope.keep(p1.y);
    scope.keep(p1.argmax);
    const a2 = scope.keep(backend.conv2d(p1.y, w['conv2.kernel'], w['conv2.bias'], g.conv2, 'sigmoid'));
    const p2 = backend.maxPool(a2, g.pool2);
    scope.keep(p2.y);
    scope.keep(p2.argmax);
    // Flatten is free: pool2's NHWC output read as [batch, 256] is Keras' Flatten order.
    const h1 = scope.keep(backend.matMul(p2.y, w['dense1.kernel'], w['dense1.bias'], g.dense1, 'sigmoid'));
    const h2 = scope.keep(backend.matMul(h1, w['dense2.kernel'], w['dense2.bias'], g.dense2, 'sigmoid'));
    const outputs = scope.keep(backend.matMul(h2, w['dense3.kernel'], w['dense3.bias'], g.dense3, 'sigmoid'));
    const loss = backend.loss(outputs, labels, g.loss);
    scope.keep(loss.loss);
    scope.keep(loss.correct);
    scope.keep(loss.gradient);

    const dense = (x: H, y: H, dy: H, kernel: H, info: MatMulInfo) => {
      const dz = scope.keep(backend.activationBackward(dy, y, info.m * info.n, 'sigmoid'));
      return {
        kernel: scope.keep(backend.matMul(x, dz, null, matMulInfo(info.k, info.m, info.n, true, false), 'linear')),
        bias: scope.keep(backend.biasGrad(dz, info.m, info.n)),
        input: scope.keep(backend.matMul(dz, kernel, null, matMulInfo(info.m, info.n, info.k, false, true), 'linear')),
      };
    };
    const d3 = dense(h2, outputs, loss.gradient, w['dense3.kernel'], g.dense3);
    const d2 = dense(h1, h2, d3.input, w['dense2.kernel'], g.dense2);
    const d1 = dense(p2.y, h1, d2.input, w['dense1.kernel'], g.dense1);
    const da2 = scope.keep(backend.maxPoolBackward(d1.input, p2.argmax, g.pool2));
    const dz2 = scope.keep(backend.activationBackward(da2, a2, sizeOf(g.conv2.outShape), 'sigmoid'));
    const dp1 = scope.keep(backend.conv2dBackwardInput(dz2, w['conv2.kernel'], g.conv2));
    const da1 = scope.keep(backend.maxPoolBackward(dp1, p1.argmax, g.pool1));
    const dz1 = scope.keep(backend.activationBackward(da1, a1, sizeOf(g.conv1.outShape), 'sigmoid'));
    const grads: LenetWeights<H> = {
      'conv1.kernel': scope.keep(backend.conv2dBackwardFilter(images, dz1, g.conv1)),
      'conv1.bias': scope.keep(backend.biasGrad(dz1, g.batch * g.conv1.outHeight * g.conv1.outWidth, g.conv1.outChannels)),
      'conv2.kernel': scope.keep(backend.conv2dBackwardFilter(p1.y, dz2, g.conv2)),
      'conv2.bias': scope.keep(backend.biasGrad(dz2, g.batch * g.conv2.outHeight * g.conv2.outWidth, g.conv2.outChannels)),
      'dense1.kernel': d1.kernel,
      'dense1.bias': d1.bias,
      'dense2.kernel': d2.kernel,
      'dense2.bias': d2.bias,
      'dense3.kernel': d3.kernel,
      'dense3.bias': d3.bias,
    };
    // Read everything the update may overwrite in place before updating.
    const readGrads = await readWeights(scope.read.bind(scope), grads);
    const scalar = (values: Float32Array, what: string) => {
      if (values.length !== 1) throw new Error(`the backend read back ${values.length} values for the ${what}, expected 1`);
      return values[0]!;
    };
    const result = {
      loss: scalar(await scope.read(loss.loss), 'loss'),
      correct: scalar(await scope.read(loss.correct), 'correct count'),
      outputs: await scope.read(outputs),
      grads: readGrads,
    };
    const updated = mapWeights((name) =>
      scope.keep(
        backend.sgdUpdate(w[name], grads[name], null, {
          size: sizeOf(LENET_PARAMETER_SHAPES[name]),
          learningRate: input.learningRate,
          momentum: 0,
          nesterov: false,
        }).param,
      ),
    );
    return { ...result, updated: await readWeights(scope.read.bind(scope), updated) };
  });
}

export function mapWeights<T>(make: (name: LenetParameter) => T): LenetWeights<T> {
  return Object.fromEntries(LENET_PARAMETERS.map((name) => [name, make(name)])) as LenetWeights<T>;
}

async function readWeights<H>(read: (handle: H) => Promise<Float32Array>, handles: LenetWeights<H>): Promise<LenetWeights<Float32Array>> {
  const out: Partial<LenetWeights<Float32Array>> = {};
  for (const name of LENET_PARAMETERS) out[name] = await read(handles[name]);
  return out as LenetWeights<Float32Array>;
}
