import type { Backend, LossInfo } from '../../backend.js';
import { conv2dInfo, matMulInfo, pool2dInfo, sizeOf } from '../../geometry.js';
import { withScope } from '../handle-scope.js';
import { backendLenetStep } from '../lenet-step.js';
import type { SeededRandom } from '../prng.js';
import * as reference from '../reference.js';
import type { CheckRecorder, ConformanceCheck, Primitive } from './check.js';
import { labels, pixels, signed } from './inputs.js';
import { randomLenetWeights } from './training-step.js';

/** One call of a primitive on small inputs: what to upload, and how to call it on the uploaded handles. */
interface Invocation {
  readonly primitive: Primitive;
  readonly inputs: (random: SeededRandom) => Float32Array[];
  readonly call: (backend: Backend, handles: unknown[]) => unknown[];
}

const conv = conv2dInfo([2, 6, 6, 2], [3, 3, 2, 3]);
const pool = pool2dInfo([2, 4, 4, 3], [2, 2]);
const dense = matMulInfo(3, 4, 5);
const lossInfo: LossInfo = { kind: 'sparse-categorical-crossentropy', batch: 4, classes: 10, epsilon: 1e-7 };
const sgd = (momentum: number) => ({ size: 16, learningRate: 0.1, momentum, nesterov: momentum > 0 });

const INVOCATIONS: readonly Invocation[] = [
  {
    primitive: 'conv2d',
    inputs: (r) => [signed(r, sizeOf(conv.inShape)), signed(r, sizeOf(conv.filterShape)), signed(r, 3)],
    call: (b, [x, f, bias]) => [b.conv2d(x, f, bias, conv, 'sigmoid')],
  },
  {
    primitive: 'conv2dBackwardInput',
    inputs: (r) => [signed(r, sizeOf(conv.outShape)), signed(r, sizeOf(conv.filterShape))],
    call: (b, [dy, f]) => [b.conv2dBackwardInput(dy, f, conv)],
  },
  {
    primitive: 'conv2dBackwardFilter',
    inputs: (r) => [signed(r, sizeOf(conv.inShape)), signed(r, sizeOf(conv.outShape))],
    call: (b, [x, dy]) => [b.conv2dBackwardFilter(x, dy, conv)],
  },
  {
    primitive: 'maxPool',
    inputs: (r) => [signed(r, sizeOf(pool.inShape))],
    call: (b, [x]) => {
      const { y, argmax } = b.maxPool(x, pool);
      return [y, argmax];
    },
  },
  {
    primitive: 'maxPoolBackward',
    inputs: (r) => [signed(r, sizeOf(pool.outShape)), Float32Array.from(reference.maxPool(signed(r, sizeOf(pool.inShape)), pool).argmax)],
    call: (b, [dy, argmax]) => [b.maxPoolBackward(dy, argmax, pool)],
  },
  { primitive: 'matMul', inputs: (r) => [signed(r, 12), signed(r, 20), signed(r, 5)], call: (b, [a, w, bias]) => [b.matMul(a, w, bias, dense, 'relu')] },
  { primitive: 'activation', inputs: (r) => [signed(r, 30)], call: (b, [x]) => [b.activation(x, 30, 'sigmoid')] },
  { primitive: 'softmax', inputs: (r) => [signed(r, 30)], call: (b, [x]) => [b.softmax(x, 3, 10)] },
  { primitive: 'activationBackward', inputs: (r) => [signed(r, 30), r.floats(30, 0, 1)], call: (b, [dy, y]) => [b.activationBackward(dy, y, 30, 'sigmoid')] },
  { primitive: 'biasGrad', inputs: (r) => [signed(r, 30)], call: (b, [dy]) => [b.biasGrad(dy, 3, 10)] },
  {
    primitive: 'loss',
    inputs: (r) => [r.floats(40, 0, 1), labels(r, 4, 10)],
    call: (b, [p, y]) => {
      const l = b.loss(p, y, lossInfo);
      return [l.loss, l.correct, l.gradient];
    },
  },
  {
    primitive: 'adaptiveUpdate',
    inputs: (r) => [signed(r, 16), signed(r, 16), signed(r, 16), r.floats(16, 0, 1)],
    call: (b, [p, g, m, v]) => {
      const a = b.adaptiveUpdate(p, g, m, v, { kind: 'adam', size: 16, learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
      const r = b.adaptiveUpdate(a.param, g, null, a.v, { kind: 'rmsprop', size: 16, learningRate: 0.01, beta1: 0, beta2: 0.9, epsilon: 1e-7 });
      return [a.param, a.m, a.v, r.param, r.v];
    },
  },
  {
    primitive: 'sgdUpdate',
    inputs: (r) => [signed(r, 16), signed(r, 16), signed(r, 16)],
    call: (b, [p, g, v]) => {
      const s = b.sgdUpdate(p, g, v, sgd(0.9));
      return [s.param, s.velocity];
    },
  },
];

/** Calls the primitive once and disposes everything; reports how handles moved. */
async function callOnce(backend: Backend, invocation: Invocation, random: SeededRandom, record: CheckRecorder | null): Promise<void> {
  await withScope(backend, async (scope) => {
    const start = backend.memory().handles;
    const handles = invocation.inputs(random).map((data) => scope.uploadMutable(data));
    const uploaded = backend.memory().handles;
    const results = invocation.call(backend, handles).map((h) => scope.keep(h));
    const fresh = new Set(results.filter((h) => h !== null && !handles.includes(h))).size;
    const after = backend.memory().handles;
    record?.expect(uploaded - start === handles.length, `uploading ${handles.length} inputs moved memory().handles by ${uploaded - start}`);
    record?.expect(after - uploaded >= fresh, `${invocation.primitive} returned ${fresh} new handles but memory().handles grew by ${after - uploaded}`);
  });
}

function leakCheck(invocation: Invocation): ConformanceCheck {
  return {
    id: `memory/${invocation.primitive}`,
    group: 'memory',
    title: `${invocation.primitive} leaves memory().handles where it started once its inputs and results are disposed`,
    exercises: [invocation.primitive],
    async run({ backend, random, record }) {
      // A first call may build caches (kernels, scratch buffers); leaks are growth on the calls after it.
      await callOnce(backend, invocation, random, null);
      const before = backend.memory().handles;
      await callOnce(backend, invocation, random, record);
      const after = backend.memory().handles;
      record.expect(after === before, `${invocation.primitive} leaked: memory().handles went from ${before} to ${after} after disposing everything`);
    },
  };
}

export const memoryChecks: readonly ConformanceCheck[] = [
  {
    id: 'memory/upload-dispose',
    group: 'memory',
    title: 'upload adds one live handle and dispose removes it',
    exercises: ['upload', 'dispose', 'memory'],
    async run({ backend, record }) {
      const start = backend.memory().handles;
      const handle = backend.upload(new Float32Array(100));
      const live = backend.memory().handles;
      backend.dispose(handle);
      const end = backend.memory().handles;
      record.expect(live === start + 1, `after upload memory().handles is ${live}, expected ${start + 1}`);
      record.expect(end === start, `after dispose memory().handles is ${end}, expected ${start}`);
    },
  },
  ...INVOCATIONS.map(leakCheck),
  {
    id: 'memory/training-step',
    group: 'memory',
    title: 'a whole LeNet training step leaves memory().handles where it started once everything is disposed',
    exercises: [
      'conv2d',
      'maxPool',
      'matMul',
      'loss',
      'activationBackward',
      'biasGrad',
      'maxPoolBackward',
      'conv2dBackwardInput',
      'conv2dBackwardFilter',
      'sgdUpdate',
    ],
    async run({ backend, random, record }) {
      const batch = 2;
      const input = {
        weights: randomLenetWeights(random),
        images: pixels(random, batch * 28 * 28),
        labels: labels(random, batch, 10),
        batch,
        learningRate: 0.9,
      };
      await backendLenetStep(backend, input);
      const before = backend.memory().handles;
      await backendLenetStep(backend, input);
      const after = backend.memory().handles;
      record.expect(after === before, `a training step leaked: memory().handles went from ${before} to ${after}`);
    },
  },
];
