import type { SeededRandom } from '../prng.js';
import type { LenetStepResult, LenetWeights } from '../lenet-step.js';
import { backendLenetStep, LENET_CLASSES, LENET_PARAMETERS, LENET_PARAMETER_SHAPES, mapWeights, referenceLenetStep } from '../lenet-step.js';
import * as reference from '../reference.js';
import type { Numbers } from '../reference.js';
import { elementwiseAllowance, NETWORK_ABSOLUTE_OF_MAX, NETWORK_RELATIVE, networkAllowance } from '../tolerance.js';
import type { CheckRecorder, ConformanceCheck, Primitive } from './check.js';
import { glorot, labels, pixels, signed } from './inputs.js';

/** The seed recipe's learning rate. */
export const LEARNING_RATE = 0.9;

export const STEP_PRIMITIVES: readonly Primitive[] = [
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
];

/** glorot_uniform kernels as Keras draws them, and small random biases so the bias paths carry signal. */
export function randomLenetWeights(random: SeededRandom): LenetWeights<Float32Array> {
  return mapWeights((name) => {
    const shape = LENET_PARAMETER_SHAPES[name];
    if (shape.length === 1) return signed(random, shape[0]!, 0.05);
    const receptive = shape.length === 4 ? shape[0]! * shape[1]! : 1;
    return glorot(
      random,
      shape.reduce((a, b) => a * b, 1),
      receptive * shape[shape.length - 2]!,
      receptive * shape[shape.length - 1]!,
    );
  });
}

/** How many rows of `outputs` have their first maximum at the label. */
function countCorrect(outputs: Numbers, rowLabels: Numbers, batch: number): number {
  let correct = 0;
  for (let r = 0; r < batch; r++) if (reference.argmaxRow(outputs, r, LENET_CLASSES) === rowLabels[r]) correct++;
  return correct;
}

export interface StepExpectation {
  readonly loss: number;
  readonly outputs: Numbers;
  readonly grads: LenetWeights<Numbers>;
}

/** Compares a backend step with an expectation; returns each gradient's allowance for the update comparison. */
export function recordStep(
  record: CheckRecorder,
  got: LenetStepResult<Float32Array>,
  expected: StepExpectation,
  batch: number,
  relative: number,
  absoluteOfMax: number,
  scale: number,
): LenetWeights<Float64Array> {
  record.close('loss', [got.loss], [expected.loss], networkAllowance([expected.loss], relative, 0, scale));
  record.close('sigmoid outputs', got.outputs, expected.outputs, networkAllowance(expected.outputs, relative, absoluteOfMax, scale), [batch, LENET_CLASSES]);
  return mapWeights((name) => {
    const allowed = networkAllowance(expected.grads[name], relative, absoluteOfMax, scale);
    record.close(`gradient of ${name}`, got.grads[name], expected.grads[name], allowed, LENET_PARAMETER_SHAPES[name]);
    return allowed;
  });
}

function trainingStepCheck(batch: number, label: string): ConformanceCheck {
  return {
    id: `training-step/batch-${batch}`,
    group: 'training step',
    title: `one LeNet training step (forward, TF 2.0 sparse categorical cross-entropy on sigmoid outputs, backward, SGD lr 0.9) on ${label} matches the float64 reference chain: loss, outputs, every gradient and updated weight`,
    exercises: STEP_PRIMITIVES,
    async run({ backend, random, record, options }) {
      const scale = options.toleranceScale;
      const weights = randomLenetWeights(random);
      const input = { weights, images: pixels(random, batch * 28 * 28), labels: labels(random, batch, LENET_CLASSES), batch, learningRate: LEARNING_RATE };
      const expected = referenceLenetStep(input);
      const got = await backendLenetStep(backend, input);
      const gradAllowed = recordStep(record, got, expected, batch, NETWORK_RELATIVE, NETWORK_ABSOLUTE_OF_MAX, scale);
      record.exact('correct count (first index wins ties) of the backend outputs', [got.correct], [countCorrect(got.outputs, input.labels, batch)]);
      for (const name of LENET_PARAMETERS) {
        // w - lr * g: the gradient's allowance scaled by lr, plus the rounding of the update itself.
        const own = elementwiseAllowance(reference.abs(weights[name]), scale);
        const allowed = own.map((a, i) => a + LEARNING_RATE * gradAllowed[name][i]!);
        record.close(`updated ${name}`, got.updated[name], expected.updated[name], allowed, LENET_PARAMETER_SHAPES[name]);
      }
    },
  };
}

export const trainingStepChecks: readonly ConformanceCheck[] = [
  trainingStepCheck(32, 'a batch of 32 raw-pixel images'),
  trainingStepCheck(16, 'the partial last batch of 16'),
];
