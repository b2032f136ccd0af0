// The suite against small bugs (broken-backend.test.ts has the gross ones): each mutant fails exactly the
// checks built to see its kind of error, naming it, and every other check passes.
import { describe, expect, it } from 'vitest';
import type { CheckReport, Primitive } from './checks/check.js';
import { runCheck } from './checks/check.js';
import { conformanceChecks } from './checks/index.js';
import * as mutants from './near-tolerance-mutants.js';
import type { ReferenceBackend } from './reference-backend.js';
import { resolveOptions } from './run-conformance.js';

async function failingReports(backend: ReferenceBackend): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const check of conformanceChecks) reports.push(await runCheck(check, backend, resolveOptions()));
  return reports.filter((report) => !report.passed);
}

function numericChecksOf(primitive: Primitive): string[] {
  return conformanceChecks.filter((c) => c.group !== 'memory' && c.group !== 'contract' && c.exercises.includes(primitive)).map((c) => c.id);
}

const ids = (reports: readonly CheckReport[]) => reports.map((r) => r.id).sort();

describe('the conformance suite catches a backend that is only a little wrong', () => {
  it('conv2dBackwardFilter dropping one product of 18432 (the last pixel of the last sample): every check comparing filter gradients', async () => {
    const failing = await failingReports(new mutants.DroppedTermFilterGradientBackend());
    expect(ids(failing)).toEqual(numericChecksOf('conv2dBackwardFilter').sort());
    const conv1 = failing.find((r) => r.id === 'conv2dBackwardFilter/lenet-conv1')!;
    expect(conv1.failures).toEqual([expect.stringMatching(/^conv2dBackwardFilter dFilter \[5,5,1,6\]: \d+ of 150 elements off/)]);
  });

  it('sigmoid kept to 19 mantissa bits (twice the rounding allowed): the sigmoid activation check, on the elements near the limit', async () => {
    const failing = await failingReports(new mutants.ReducedPrecisionSigmoidBackend());
    expect(ids(failing)).toEqual(['activation/sigmoid']);
    const [, off] = /^activation sigmoid: (\d+) of 1001 elements off/.exec(failing[0]!.failures[0] ?? '') ?? [];
    // A few percent of the elements: the error sits near the allowance, not far above it.
    expect(Number(off)).toBeGreaterThan(0);
    expect(Number(off)).toBeLessThan(200);
  });

  it('biasGrad keeping 17 bits in a fast path for long sums: only the same-sign long sum sees it (signed terms hide it)', async () => {
    const failing = await failingReports(new mutants.LossyLongBiasGradBackend());
    expect(ids(failing)).toEqual(['biasGrad/lenet-conv1-same-sign']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^biasGrad of same-sign rows: \d of 6 elements off/)]);
  });

  it('the probability loss clipping with strict bounds: the two batches holding probabilities exactly at 1e-7 and 1 - 1e-7', async () => {
    const failing = await failingReports(new mutants.StrictClipLossBackend());
    expect(ids(failing)).toEqual(['loss/sparse-cce/lenet-batch', 'loss/sparse-cce/partial-batch-16']);
    for (const report of failing)
      expect(report.failures).toEqual([
        expect.stringMatching(/^sparse-categorical-crossentropy gradient \[\d+,10\]: 2 of \d+ elements off; worst at \[4,\d\]/),
      ]);
  });

  it('the loss averaged over 32 rows whatever the batch: every loss check of a batch other than 32, and the partial-batch training step', async () => {
    const failing = await failingReports(new mutants.FixedBatchMeanLossBackend());
    expect(ids(failing)).toEqual([
      'gradient/loss/softmax-cross-entropy',
      'gradient/loss/sparse-categorical-crossentropy',
      'loss/softmax-ce/batch-1',
      'loss/softmax-ce/partial-batch-16',
      'loss/sparse-cce/batch-1',
      'loss/sparse-cce/partial-batch-16',
      'training-step/batch-16',
    ]);
  });

  it('softmax without the max subtracted: only the logits offset by 1000 (exp overflows), not the LeNet-sized ones', async () => {
    const failing = await failingReports(new mutants.UnshiftedSoftmaxBackend());
    expect(ids(failing)).toEqual(['softmax/large-ties']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^softmax \[7,13\]: 91 of 91 elements off; .* got NaN/)]);
  });

  it('Nesterov stepping with the velocity before the update: only the Nesterov update check', async () => {
    const failing = await failingReports(new mutants.StaleNesterovBackend());
    expect(ids(failing)).toEqual(['sgdUpdate/nesterov']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^sgdUpdate param: \d+ of 1001 elements off/)]);
  });

  it("conv2dBackwardInput padding an odd 'same' total on the wrong side: only the uneven-padding case", async () => {
    const failing = await failingReports(new mutants.TopHeavyPaddingBackend());
    expect(ids(failing)).toEqual(['conv2dBackwardInput/uneven-same']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^conv2dBackwardInput dx \[2,7,8,3\]: \d+ of 336 elements off/)]);
  });

  it("upload keeping the caller's array: the upload-copies contract check", async () => {
    const failing = await failingReports(new mutants.AliasingUploadBackend());
    expect(ids(failing)).toEqual(['contract/upload-copies']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^handle after the source array changed: 64 of 64 elements off/)]);
  });

  it('read handing out its own storage: the read-copies contract check', async () => {
    const failing = await failingReports(new mutants.AliasingReadBackend());
    expect(ids(failing)).toEqual(['contract/read-copies']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^second read after the first result was changed: 64 of 64 elements off/)]);
  });
});

describe('roundToMantissaBits (how the reduced-precision mutants lose bits)', () => {
  it('keeps the given number of bits below the leading one, rounding to nearest', () => {
    expect(mutants.roundToMantissaBits(1 + 2 ** -21, 19)).toBe(1);
    expect(mutants.roundToMantissaBits(1 + 3 * 2 ** -21, 19)).toBe(1 + 2 ** -19);
    expect(mutants.roundToMantissaBits(1 + 2 ** -19, 19)).toBe(1 + 2 ** -19);
    expect(mutants.roundToMantissaBits(-(3 + 2 ** -18), 19)).toBe(-(3 + 2 ** -18));
    expect(mutants.roundToMantissaBits(0, 19)).toBe(0);
  });
});
