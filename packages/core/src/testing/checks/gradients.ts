import type { ActivationKind, LossInfo, LossKind } from '../../backend.js';
import type { Conv2DInfo, Pool2DInfo } from '../../geometry.js';
import { conv2dInfo, matMulInfo, pool2dInfo, sizeOf } from '../../geometry.js';
import { centralDifferences } from '../finite-difference.js';
import { withScope } from '../handle-scope.js';
import * as reference from '../reference.js';
import type { Numbers } from '../reference.js';
import { elementwiseAllowance, finiteDifferenceAllowance, lossAllowance, reductionAllowance } from '../tolerance.js';
import type { CheckRecorder, ConformanceCheck } from './check.js';
import { convFilter, labels, signed } from './inputs.js';
import { KERAS_EPSILON } from './loss.js';

/**
 * Gradient primitives checked as gradients: for an objective f = sum(forward(...) * R) with a fixed random R,
 * the float64 analytic gradient must match float64 central differences of the float64 forward (which
 * verifies the reference), and the backend's gradient must match the float64 analytic one.
 */

/** Small geometries keep the one-coordinate-at-a-time differences fast. */
const CONV_GEOMETRIES: readonly { label: string; info: Conv2DInfo }[] = [
  { label: 'valid, stride 1', info: conv2dInfo([2, 6, 6, 2], [3, 3, 2, 3]) },
  { label: "'same', stride 2", info: conv2dInfo([2, 7, 7, 3], [3, 3, 3, 4], [2, 2], 'same') },
];

const POOL_GEOMETRIES: readonly { label: string; info: Pool2DInfo }[] = [
  { label: '2x2 valid', info: pool2dInfo([2, 6, 6, 3], [2, 2]) },
  { label: "overlapping 3x3, stride 2, 'same'", info: pool2dInfo([2, 7, 7, 2], [3, 3], [2, 2], 'same') },
];

function recordGradient(
  record: CheckRecorder,
  name: string,
  backendGradient: Numbers,
  analytic: Numbers,
  differences: Numbers,
  backendAllowed: Numbers,
  shape?: readonly number[],
): void {
  record.close(`${name}: float64 analytic gradient vs central differences`, analytic, differences, finiteDifferenceAllowance(analytic), shape);
  record.close(`${name}: backend vs float64 analytic gradient`, backendGradient, analytic, backendAllowed, shape);
}

const conv2dBackwardInputGradient: ConformanceCheck = {
  id: 'gradient/conv2dBackwardInput',
  group: 'gradients',
  title: 'conv2dBackwardInput is the gradient of sum(conv2d(x, filter) * R) with respect to x',
  exercises: ['conv2dBackwardInput'],
  async run({ backend, random, record, options }) {
    for (const { label, info } of CONV_GEOMETRIES) {
      const x = signed(random, sizeOf(info.inShape));
      const filter = convFilter(random, info.filterShape);
      const r = signed(random, sizeOf(info.outShape));
      const analytic = reference.conv2dBackwardInput(r, filter, info);
      const differences = centralDifferences(x, (v) => reference.dot(reference.conv2d(v, filter, null, info, 'linear'), r));
      const allowed = reductionAllowance(
        analytic,
        reference.conv2dBackwardInput(reference.abs(r), reference.abs(filter), info),
        info.filterHeight * info.filterWidth * info.outChannels,
        options.toleranceScale,
      );
      await withScope(backend, async (scope) => {
        const dx = scope.keep(backend.conv2dBackwardInput(scope.upload(r, 'R'), scope.upload(filter, 'filter'), info));
        recordGradient(record, `dx (${label})`, await scope.read(dx), analytic, differences, allowed, info.inShape);
      });
    }
  },
};

const conv2dBackwardFilterGradient: ConformanceCheck = {
  id: 'gradient/conv2dBackwardFilter',
  group: 'gradients',
  title: 'conv2dBackwardFilter is the gradient of sum(conv2d(x, filter) * R) with respect to the filter',
  exercises: ['conv2dBackwardFilter'],
  async run({ backend, random, record, options }) {
    for (const { label, info } of CONV_GEOMETRIES) {
      const x = signed(random, sizeOf(info.inShape));
      const filter = convFilter(random, info.filterShape);
      const r = signed(random, sizeOf(info.outShape));
      const analytic = reference.conv2dBackwardFilter(x, r, info);
      const differences = centralDifferences(filter, (v) => reference.dot(reference.conv2d(x, v, null, info, 'linear'), r));
      const allowed = reductionAllowance(
        analytic,
        reference.conv2dBackwardFilter(reference.abs(x), reference.abs(r), info),
        info.batch * info.outHeight * info.outWidth,
        options.toleranceScale,
      );
      await withScope(backend, async (scope) => {
        const dFilter = scope.keep(backend.conv2dBackwardFilter(scope.upload(x, 'x'), scope.upload(r, 'R'), info));
        recordGradient(record, `dFilter (${label})`, await scope.read(dFilter), analytic, differences, allowed, info.filterShape);
      });
    }
  },
};

const maxPoolBackwardGradient: ConformanceCheck = {
  id: 'gradient/maxPoolBackward',
  group: 'gradients',
  title: "maxPoolBackward, fed maxPool's own argmax, is the gradient of sum(maxPool(x) * R) with respect to x",
  exercises: ['maxPool', 'maxPoolBackward'],
  async run({ backend, random, record, options }) {
    for (const { label, info } of POOL_GEOMETRIES) {
      // Distinct values 0.05 apart: no ties, so the max is differentiable at x.
      const x = random.distinct(sizeOf(info.inShape), -2, 2);
      const r = signed(random, sizeOf(info.outShape));
      const { argmax } = reference.maxPool(x, info);
      const analytic = reference.maxPoolBackward(r, argmax, info);
      const differences = centralDifferences(x, (v) => reference.dot(reference.maxPool(v, info).y, r));
      const overlap = Math.ceil(info.poolHeight / info.strideHeight) * Math.ceil(info.poolWidth / info.strideWidth);
      const allowed = reductionAllowance(analytic, reference.maxPoolBackward(reference.abs(r), argmax, info), overlap, options.toleranceScale);
      await withScope(backend, async (scope) => {
        const pooled = backend.maxPool(scope.upload(x, 'x'), info);
        scope.keep(pooled.y);
        const dx = scope.keep(backend.maxPoolBackward(scope.upload(r, 'R'), scope.keep(pooled.argmax), info));
        recordGradient(record, `dx (${label})`, await scope.read(dx), analytic, differences, allowed, info.inShape);
      });
    }
  },
};

const denseGradients: ConformanceCheck = {
  id: 'gradient/dense',
  group: 'gradients',
  title: 'matMul with transposed operands and biasGrad give the gradients of a sigmoid dense layer sum(sigmoid(x W + b) * R)',
  exercises: ['matMul', 'biasGrad'],
  async run({ backend, random, record, options }) {
    const [batch, inputs, units] = [5, 7, 4];
    const x = signed(random, batch * inputs);
    const w = signed(random, inputs * units);
    const b = signed(random, units, 0.5);
    const r = signed(random, batch * units);
    const forward = matMulInfo(batch, inputs, units);
    const objective = (xv: Numbers, wv: Numbers, bv: Numbers) => reference.dot(reference.matMul(xv, wv, bv, forward, 'sigmoid'), r);
    const dz = reference.activationBackward(r, reference.matMul(x, w, b, forward, 'sigmoid'), 'sigmoid');
    const weightInfo = matMulInfo(inputs, batch, units, true, false);
    const inputInfo = matMulInfo(batch, units, inputs, false, true);
    const analytic = {
      w: reference.matMul(x, dz, null, weightInfo, 'linear'),
      x: reference.matMul(dz, w, null, inputInfo, 'linear'),
      b: reference.biasGrad(dz, batch, units),
    };
    const differences = {
      w: centralDifferences(w, (v) => objective(x, v, b)),
      x: centralDifferences(x, (v) => objective(v, w, b)),
      b: centralDifferences(b, (v) => objective(x, w, v)),
    };
    const absDz = reference.abs(dz);
    const scale = options.toleranceScale;
    await withScope(backend, async (scope) => {
      // The backend gets dz rounded to float32, as its own activationBackward would hand it over.
      const dzHandle = scope.upload(Float32Array.from(dz), 'dz');
      const xHandle = scope.upload(x, 'x');
      const wHandle = scope.upload(w, 'W');
      const dw = scope.keep(backend.matMul(xHandle, dzHandle, null, weightInfo, 'linear'));
      const dx = scope.keep(backend.matMul(dzHandle, wHandle, null, inputInfo, 'linear'));
      const db = scope.keep(backend.biasGrad(dzHandle, batch, units));
      recordGradient(
        record,
        'dW = x^T dz (transposeA)',
        await scope.read(dw),
        analytic.w,
        differences.w,
        reductionAllowance(analytic.w, reference.matMul(reference.abs(x), absDz, null, weightInfo, 'linear'), batch + 1, scale),
        [inputs, units],
      );
      recordGradient(
        record,
        'dx = dz W^T (transposeB)',
        await scope.read(dx),
        analytic.x,
        differences.x,
        reductionAllowance(analytic.x, reference.matMul(absDz, reference.abs(w), null, inputInfo, 'linear'), units + 1, scale),
        [batch, inputs],
      );
      recordGradient(
        record,
        'db = biasGrad(dz)',
        await scope.read(db),
        analytic.b,
        differences.b,
        reductionAllowance(analytic.b, reference.biasGrad(absDz, batch, units), batch + 1, scale),
      );
    });
  },
};

function activationBackwardGradient(kind: ActivationKind): ConformanceCheck {
  return {
    id: `gradient/activationBackward/${kind}`,
    group: 'gradients',
    title: `activationBackward ${kind} is the gradient of sum(${kind}(z) * R) with respect to z`,
    exercises: ['activationBackward'],
    async run({ backend, random, record, options }) {
      // Away from relu's kink at 0, and where sigmoid keeps digits of 1 - y.
      const z = random.floatsAwayFromZero(64, -6, 6, 1e-2);
      const r = signed(random, z.length);
      const y = reference.activation(z, kind);
      const analytic = reference.activationBackward(r, y, kind);
      const differences = centralDifferences(z, (v) => reference.dot(reference.activation(v, kind), r));
      const y32 = Float32Array.from(y);
      // The backend sees y rounded to float32; compare with the analytic formula on that same y.
      const onBackendInput = reference.activationBackward(r, y32, kind);
      await withScope(backend, async (scope) => {
        const dz = scope.keep(backend.activationBackward(scope.upload(r, 'R'), scope.upload(y32, 'y'), z.length, kind));
        record.close(`${kind} dz: float64 analytic gradient vs central differences`, analytic, differences, finiteDifferenceAllowance(analytic));
        record.close(
          `${kind} dz: backend vs float64 analytic gradient`,
          await scope.read(dz),
          onBackendInput,
          elementwiseAllowance(reference.abs(onBackendInput), options.toleranceScale),
        );
      });
    },
  };
}

const biasGradGradient: ConformanceCheck = {
  id: 'gradient/biasGrad',
  group: 'gradients',
  title: 'biasGrad is the gradient of sum(conv2d(x, filter, bias) * R) with respect to the bias',
  exercises: ['biasGrad'],
  async run({ backend, random, record, options }) {
    const info = conv2dInfo([2, 5, 5, 3], [3, 3, 3, 4]);
    const x = signed(random, sizeOf(info.inShape));
    const filter = convFilter(random, info.filterShape);
    const bias = signed(random, info.outChannels, 0.5);
    const r = signed(random, sizeOf(info.outShape));
    const rows = info.batch * info.outHeight * info.outWidth;
    const analytic = reference.biasGrad(r, rows, info.outChannels);
    const differences = centralDifferences(bias, (v) => reference.dot(reference.conv2d(x, filter, v, info, 'linear'), r));
    await withScope(backend, async (scope) => {
      const db = scope.keep(backend.biasGrad(scope.upload(r, 'R'), rows, info.outChannels));
      recordGradient(
        record,
        'conv bias gradient',
        await scope.read(db),
        analytic,
        differences,
        reductionAllowance(analytic, reference.biasGrad(reference.abs(r), rows, info.outChannels), rows, options.toleranceScale),
      );
    });
  },
};

function lossGradient(kind: LossKind): ConformanceCheck {
  return {
    id: `gradient/loss/${kind}`,
    group: 'gradients',
    title: `loss ${kind} returns the gradient of its batch-mean loss`,
    exercises: ['loss'],
    async run({ backend, random, record, options }) {
      const info: LossInfo = { kind, batch: 6, classes: 10, epsilon: KERAS_EPSILON };
      const y = labels(random, info.batch, info.classes);
      // Probabilities stay inside the clip range, where the loss is smooth.
      const input =
        kind === 'sparse-categorical-crossentropy' ? random.floats(info.batch * info.classes, 0.05, 0.95) : signed(random, info.batch * info.classes, 5);
      const analytic = reference.loss(input, y, info).gradient;
      const differences = centralDifferences(input, (v) => reference.loss(v, y, info).loss);
      await withScope(backend, async (scope) => {
        const result = backend.loss(scope.upload(input, 'input'), scope.upload(y, 'labels'), info);
        scope.keep(result.loss);
        scope.keep(result.correct);
        scope.keep(result.gradient);
        recordGradient(
          record,
          `${kind} gradient`,
          await scope.read(result.gradient),
          analytic,
          differences,
          lossAllowance(input, y, info, options.toleranceScale).gradient,
          [info.batch, info.classes],
        );
      });
    },
  };
}

export const gradientChecks: readonly ConformanceCheck[] = [
  conv2dBackwardInputGradient,
  conv2dBackwardFilterGradient,
  maxPoolBackwardGradient,
  denseGradients,
  ...(['linear', 'sigmoid', 'relu'] as const).map(activationBackwardGradient),
  biasGradGradient,
  lossGradient('sparse-categorical-crossentropy'),
  lossGradient('softmax-cross-entropy'),
];
