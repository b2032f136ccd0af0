// Regenerating core's tfjs-layers fixture reproduces the committed file: its provenance is this code, run
// by anyone, not a sentence in its `about` field.
import { readFileSync } from 'node:fs';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeLenetFixture, FIXTURE_ABOUT, FIXTURE_LAYERS, FIXTURE_ROWS, type LenetFixtureJson } from './lenet-fixture.js';
import { COMMITTED_FIXTURE, fixtureInputs } from './lenet-fixture-file.js';

let committed: LenetFixtureJson;
let regenerated: LenetFixtureJson;

beforeAll(async () => {
  committed = JSON.parse(readFileSync(COMMITTED_FIXTURE, 'utf8')) as LenetFixtureJson;
  const { weights, images, labels } = await fixtureInputs(committed, await loadFashionMnist({ download: false }));
  regenerated = await computeLenetFixture(weights, images, labels);
});

/** Equal as float32 values written with 8 significant digits: at most one unit in the 8th digit apart. */
function expectFloat32Close(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual, what).toHaveLength(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const allowed = e === 0 ? 1e-30 : 10 ** (Math.floor(Math.log10(Math.abs(e))) - 7);
    const off = Math.abs(actual[i]! - e) / allowed;
    if (off > worst) [worst, at] = [off, i];
  }
  expect(worst, `${what}[${at}]: ${actual[at]} vs ${expected[at]}`).toBeLessThanOrEqual(1);
}

/**
 * Within float32 rounding at the tensor's scale: max|a - b| <= 2 ulp of max|b| (2^-22 relative). A gradient
 * sums thousands of float32 products; entries near zero are differences of large terms, so their own relative
 * error says nothing about precision, while the tensor's scale does (the scaled error the crosscheck judges).
 * Measured here: 1.2e-7 to 1.6e-7 of the scale in every tensor (about one ulp), a quarter of entries bit-equal.
 */
function expectFloat32Scaled(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual, what).toHaveLength(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  expect(scale, what).toBeGreaterThan(0);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst / scale, what).toBeLessThanOrEqual(2 ** -22);
}

describe('the tfjs-layers fixture (packages/core/src/testing/fixtures)', () => {
  it('takes its images from training rows 0..31 of the official Fashion-MNIST file', () => {
    expect(committed.batch.rows).toEqual([...FIXTURE_ROWS]);
    expect(regenerated.batch).toEqual(committed.batch);
    expect(committed.batch.labels).toHaveLength(32);
  });

  it('regenerates the committed loss (bit for bit), accuracy and outputs (to the 8 digits stored)', () => {
    expect(Math.fround(regenerated.loss)).toBe(Math.fround(committed.loss));
    expect(regenerated.accuracy).toBe(committed.accuracy);
    expectFloat32Close(regenerated.outputs, committed.outputs, 'outputs');
    expect(regenerated.about).toBe(FIXTURE_ABOUT);
    expect(committed.about).toBe(FIXTURE_ABOUT);
  });

  it.each(FIXTURE_LAYERS.map(([layer]) => layer))("regenerates every %s gradient to float32 rounding at the tensor's scale", (layer) => {
    expectFloat32Scaled(regenerated.grads[layer].kernel, committed.grads[layer].kernel, `${layer}.kernel`);
    expectFloat32Scaled(regenerated.grads[layer].bias, committed.grads[layer].bias, `${layer}.bias`);
  });
});
