import { FixtureError } from '../fixture-parse.js';
import { backendLenetStep } from '../lenet-step.js';
import { FIXTURE_ABSOLUTE_OF_MAX, FIXTURE_RELATIVE } from '../tolerance.js';
import type { ConformanceCheck } from './check.js';
import { LEARNING_RATE, recordStep, STEP_PRIMITIVES } from './training-step.js';

const fixtureCheck: ConformanceCheck = {
  id: 'fixture/tfjs-layers-step',
  group: 'fixture',
  title:
    'one LeNet step on the tfjs-layers 4.22 fixture (32 real Fashion-MNIST images, TF 2.0 loss) reproduces its loss, accuracy, outputs and every gradient to about 1e-4 relative',
  exercises: STEP_PRIMITIVES.filter((p) => p !== 'sgdUpdate'),
  async run({ backend, record, options }) {
    if (!options.fixture)
      throw new FixtureError('no LeNet fixture given: build the options with resolveOptions() (Node) or portableOptions({ fixture }) (a page)');
    const fixture = await options.fixture();
    const { batch } = fixture;
    const got = await backendLenetStep(backend, {
      weights: fixture.weights,
      images: fixture.images,
      labels: fixture.labels,
      batch,
      learningRate: LEARNING_RATE,
    });
    recordStep(record, got, fixture, batch, FIXTURE_RELATIVE, FIXTURE_ABSOLUTE_OF_MAX, options.toleranceScale);
    record.exact('correct count (accuracy * batch)', [got.correct], [Math.round(fixture.accuracy * batch)]);
  },
};

export const fixtureChecks: readonly ConformanceCheck[] = [fixtureCheck];
