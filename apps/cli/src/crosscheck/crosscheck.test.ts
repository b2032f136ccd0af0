import { createCpuBackend } from '@lenet-ts/backend-cpu';
import type { Backend } from '@lenet-ts/core';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { createReferenceBackend } from '@lenet-ts/core/testing';
import { d2l } from '@lenet-ts/lenet';
import { describe, expect, it } from 'vitest';
import { formatStepReport } from './format.js';
import { stepCrosscheck } from './step-crosscheck.js';

/** A backend whose filter gradient is off by `factor`: the kind of bug the cross-check exists to catch. */
function withPerturbedFilterGradient(inner: Backend, factor: number): Backend {
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'name') return 'perturbed-cpu';
      if (key !== 'conv2dBackwardFilter') {
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (x: unknown, dy: unknown, info: Parameters<Backend['conv2dBackwardFilter']>[2]) => {
        const dw = target.conv2dBackwardFilter(x, dy, info) as Float32Array;
        // Only the second convolution (16 filters), so the report must name that layer.
        if (info.outChannels === 16) for (let i = 0; i < dw.length; i++) dw[i]! *= factor;
        return dw;
      };
    },
  });
}

describe('step cross-check', async () => {
  const data = (await loadFashionMnist()).train;
  const options = { preset: d2l, seed: 1, steps: 5, batchSize: 32, tolerance: 1e-3, data };

  it('finds an independent float32 implementation within tolerance of backend-cpu, layer by layer', async () => {
    const report = await stepCrosscheck(
      [
        { label: 'cpu', backend: createCpuBackend() },
        { label: 'reference', backend: createReferenceBackend() },
      ],
      options,
    );
    expect(report.pass).toBe(true);
    const worst = report.backends[0]!.worst;
    // Different accumulation order: not bit-identical, yet far inside the tolerance.
    expect(worst.gradients!.maxAbs).toBeGreaterThan(0);
    expect(worst.gradients!.scaled).toBeLessThan(1e-4);
    // 8 activations + 10 gradients + loss + 10 weights per step.
    expect(report.details).toHaveLength(5 * 29);
    const text = formatStepReport(report);
    expect(text).toMatch(/PASS: every backend within 0\.001/);
    // Every column has a heading, and one line says which error decides.
    expect(text).toMatch(/^backend\s+quantity\s+max abs err\s+max rel err\s+scaled err\s+worst layer\s+step\s+verdict$/m);
    expect(text).toContain(
      'Only the scaled error (max|a-b| / max|b| over a tensor) is judged against --tolerance 0.001; max abs and max rel err are for reading.',
    );
  });

  it('catches a 1% error in one primitive and names the layer', async () => {
    const report = await stepCrosscheck(
      [
        { label: 'cpu', backend: createCpuBackend() },
        { label: 'perturbed', backend: withPerturbedFilterGradient(createCpuBackend(), 1.01) },
      ],
      options,
    );
    expect(report.pass).toBe(false);
    const verdict = report.backends[0]!;
    expect(verdict.worst.gradients!.name).toBe('conv2d_1/kernel');
    expect(verdict.worst.gradients!.scaled).toBeGreaterThan(0.009);
    // The forward pass of step 1 is unaffected: the error enters through the update.
    const firstForward = report.details.filter((d) => d.step === 1 && d.quantity === 'activations');
    expect(firstForward.length).toBeGreaterThan(0);
    expect(firstForward.every((d) => d.maxAbs === 0)).toBe(true);
    const text = formatStepReport(report);
    expect(text).toMatch(/perturbed\s+gradients\s+.*conv2d_1\/kernel\s+\d+\s+FAIL/);
    expect(text).toMatch(/^FAIL: perturbed exceeds 0\.001/m);
  });
});
