import { activationChecks } from './activation.js';
import { adaptiveChecks } from './adaptive.js';
import { biasGradChecks } from './bias-grad.js';
import type { CheckGroup, ConformanceCheck } from './check.js';
import { contractChecks } from './contract.js';
import { driftingSumChecks } from './drifting-sums.js';
import { fixtureChecks } from './fixture-step.js';
import { conv2dChecks } from './conv2d.js';
import { gradientChecks } from './gradients.js';
import { lossChecks } from './loss.js';
import { matMulChecks } from './mat-mul.js';
import { maxPoolChecks } from './max-pool.js';
import { memoryChecks } from './memory.js';
import { sgdChecks } from './sgd.js';
import { stepGatherCheck } from './step-gather.js';
import { softmaxChecks } from './softmax.js';
import { trainingStepChecks } from './training-step.js';

/** Groups in the order the suite runs them: cheap contract first, whole-network steps last. */
export const CHECK_GROUPS: readonly CheckGroup[] = ['contract', 'primitives', 'gradients', 'training step', 'fixture', 'memory'];

/** Every check of the conformance suite. */
export const conformanceChecks: readonly ConformanceCheck[] = [
  ...contractChecks,
  ...conv2dChecks,
  ...maxPoolChecks,
  ...matMulChecks,
  ...activationChecks,
  ...softmaxChecks,
  ...biasGradChecks,
  ...driftingSumChecks,
  ...lossChecks,
  ...sgdChecks,
  ...adaptiveChecks,
  stepGatherCheck,
  ...gradientChecks,
  ...trainingStepChecks,
  ...fixtureChecks,
  ...memoryChecks,
];
