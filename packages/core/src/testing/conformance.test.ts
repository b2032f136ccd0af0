import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AdaptiveInfo, AdaptiveResult, SgdInfo, SgdResult } from '../backend.js';
import { compareClose } from './compare.js';
import { conformanceChecks } from './checks/index.js';
import { fixtureCandidates, findLenetFixture, FixtureError, LENET_FIXTURE_FILE, loadLenetFixture } from './fixture.js';
import { LENET_PARAMETERS, referenceLenetStep } from './lenet-step.js';
import { ReferenceBackend, createReferenceBackend } from './reference-backend.js';
import { runBackendConformance } from './run-conformance.js';
import { networkAllowance, REFERENCE_FIXTURE_ABSOLUTE_OF_MAX, REFERENCE_FIXTURE_RELATIVE } from './tolerance.js';

runBackendConformance('reference', () => createReferenceBackend());

/** Updates parameter, velocity and moments in place, as the contract allows, to prove the suite handles aliased results. */
class InPlaceSgdBackend extends ReferenceBackend {
  override sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, info: SgdInfo): SgdResult<Float32Array> {
    const fresh = super.sgdUpdate(param, grad, velocity, info);
    param.set(fresh.param);
    this.dispose(fresh.param);
    if (velocity !== null && fresh.velocity !== null) {
      velocity.set(fresh.velocity);
      this.dispose(fresh.velocity);
    }
    return { param, velocity };
  }

  override adaptiveUpdate(param: Float32Array, grad: Float32Array, m: Float32Array | null, v: Float32Array, info: AdaptiveInfo): AdaptiveResult<Float32Array> {
    const fresh = super.adaptiveUpdate(param, grad, m, v, info);
    for (const [target, result] of [
      [param, fresh.param],
      [m, fresh.m],
      [v, fresh.v],
    ] as const) {
      if (target === null || result === null) continue;
      target.set(result);
      this.dispose(result);
    }
    return { param, m, v };
  }
}

runBackendConformance(
  'reference',
  async () => new InPlaceSgdBackend(),
  { label: 'in-place SGD and Adam/RMSprop, async factory' },
  conformanceChecks.filter((check) => check.exercises.includes('sgdUpdate') || check.exercises.includes('adaptiveUpdate')),
);

describe('the float64 reference chain', () => {
  it('reproduces the tfjs-layers fixture: loss, accuracy, outputs and every gradient up to the float32 rounding of the fixture', () => {
    const fixture = loadLenetFixture();
    const step = referenceLenetStep({ weights: fixture.weights, images: fixture.images, labels: fixture.labels, batch: fixture.batch, learningRate: 0.9 });
    const comparisons = [
      compareClose('loss', [step.loss], [fixture.loss], networkAllowance([fixture.loss], REFERENCE_FIXTURE_RELATIVE, 0, 1)),
      compareClose('correct', [step.correct], [Math.round(fixture.accuracy * fixture.batch)], 0),
      compareClose(
        'outputs',
        step.outputs,
        fixture.outputs,
        networkAllowance(fixture.outputs, REFERENCE_FIXTURE_RELATIVE, REFERENCE_FIXTURE_ABSOLUTE_OF_MAX, 1),
      ),
      ...LENET_PARAMETERS.map((name) =>
        compareClose(
          `gradient of ${name}`,
          step.grads[name],
          fixture.grads[name],
          networkAllowance(fixture.grads[name], REFERENCE_FIXTURE_RELATIVE, REFERENCE_FIXTURE_ABSOLUTE_OF_MAX, 1),
        ),
      ),
    ];
    expect(comparisons.filter((c) => !c.passed).map((c) => c.message)).toEqual([]);
  });
});

describe('the tfjs-layers fixture', () => {
  it('is found beside the module in src/testing/fixtures', () => {
    expect(findLenetFixture()).toMatch(/src[\\/]testing[\\/]fixtures[\\/]lenet-step-tfjs-layers\.json$/);
  });

  it('is looked up in dist/fixtures when the suite runs from a build', () => {
    expect(fixtureCandidates('/pkg/dist')).toContain(join('/pkg/dist', 'fixtures', LENET_FIXTURE_FILE));
  });

  it('names the fixturePath option when an explicit path does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lenet-fixture-'));
    try {
      expect(() => findLenetFixture(join(dir, LENET_FIXTURE_FILE))).toThrow(FixtureError);
      expect(() => findLenetFixture(join(dir, LENET_FIXTURE_FILE))).toThrow(/fixturePath/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('comparison reports', () => {
  it('name the worst element by position, with expected, got and the allowance', () => {
    const report = compareClose('conv2d output', [1, 2, 3.5, 4], [1, 2, 3, 4], 0.1, [1, 2, 2, 1]);
    expect(report.passed).toBe(false);
    expect(report.worst?.index).toBe(2);
    expect(report.message).toBe(
      'conv2d output [1,2,2,1]: 1 of 4 elements off; worst at [0,1,0,0] (flat 2): expected 3, got 3.5, |error| 5.00e-1 vs allowed 1.00e-1 (5.00x allowed)',
    );
  });

  it('fail on NaN even where the expectation is NaN', () => {
    expect(compareClose('y', [Number.NaN], [Number.NaN], 1).passed).toBe(false);
  });

  it('fail when the sizes differ', () => {
    expect(compareClose('y', [1, 2], [1, 2, 3], 1).message).toBe('y: expected 3 elements, got 2');
  });
});
