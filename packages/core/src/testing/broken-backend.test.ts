import { describe, expect, it } from 'vitest';
import type { ActivationKind, AdaptiveInfo, AdaptiveResult } from '../backend.js';
import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from '../geometry.js';
import type { CheckReport, ConformanceCheck, Primitive } from './checks/check.js';
import { runCheck } from './checks/check.js';
import { conformanceChecks } from './checks/index.js';
import { ReferenceBackend } from './reference-backend.js';
import { resolveOptions } from './run-conformance.js';

/** Runs every check against `backend` and returns the reports of those that failed. */
async function failingReports(backend: ReferenceBackend, checks: readonly ConformanceCheck[] = conformanceChecks): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const check of checks) reports.push(await runCheck(check, backend, resolveOptions()));
  return reports.filter((report) => !report.passed);
}

/** Numeric checks (not memory, not contract) that compare results of `primitive`. */
function numericChecksOf(primitive: Primitive): string[] {
  return conformanceChecks.filter((c) => c.group !== 'memory' && c.group !== 'contract' && c.exercises.includes(primitive)).map((c) => c.id);
}

/** Off by 1% in every element of the filter gradient. */
class ScaledFilterGradientBackend extends ReferenceBackend {
  override conv2dBackwardFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
    const dFilter = super.conv2dBackwardFilter(x, dy, info);
    for (let i = 0; i < dFilter.length; i++) dFilter[i]! *= 1 + 1e-2;
    return dFilter;
  }
}

/** Breaks maxPool ties towards the last maximum in the window instead of the first. */
class LastMaxWinsBackend extends ReferenceBackend {
  override maxPool(x: Float32Array, info: Pool2DInfo): { y: Float32Array; argmax: Float32Array } {
    const pooled = super.maxPool(x, info);
    const { inHeight: H, inWidth: W, channels: C } = info;
    for (let o = 0; o < pooled.y.length; o++) {
      const c = o % C;
      const ow = Math.floor(o / C) % info.outWidth;
      const oh = Math.floor(o / (C * info.outWidth)) % info.outHeight;
      const n = Math.floor(o / (C * info.outWidth * info.outHeight));
      for (let ph = 0; ph < info.poolHeight; ph++) {
        for (let pw = 0; pw < info.poolWidth; pw++) {
          const ih = oh * info.strideHeight - info.padTop + ph;
          const iw = ow * info.strideWidth - info.padLeft + pw;
          if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
          const index = ((n * H + ih) * W + iw) * C + c;
          if (x[index] === pooled.y[o]) pooled.argmax[o] = index;
        }
      }
    }
    return pooled;
  }
}

/** Allocates a scratch handle in every matMul and never frees it. */
class LeakyMatMulBackend extends ReferenceBackend {
  override matMul(a: Float32Array, b: Float32Array, bias: Float32Array | null, info: MatMulInfo, kind: ActivationKind): Float32Array {
    this.upload(new Float32Array(info.m * info.n));
    return super.matMul(a, b, bias, info, kind);
  }
}

/** Applies the activation in place, overwriting its input. */
class InPlaceActivationBackend extends ReferenceBackend {
  override activation(x: Float32Array, size: number, kind: ActivationKind): Float32Array {
    const y = super.activation(x, size, kind);
    x.set(y);
    this.dispose(y);
    return x;
  }
}

const f32 = Math.fround;

/** Takes 1 - beta2 in float32, as a shader given only beta2 would: 1 - 0.999f is 0.00099998713, 1.3e-5 off. */
class Float32DecayBackend extends ReferenceBackend {
  override adaptiveUpdate(param: Float32Array, grad: Float32Array, m: Float32Array | null, v: Float32Array, info: AdaptiveInfo): AdaptiveResult<Float32Array> {
    return super.adaptiveUpdate(param, grad, m, v, { ...info, beta2: 1 - f32(1 - f32(info.beta2)) });
  }
}

/** Keras 3's placement of epsilon, inside the root: p -= lr m / sqrt(v + epsilon). */
class EpsilonInsideRootBackend extends ReferenceBackend {
  override adaptiveUpdate(param: Float32Array, grad: Float32Array, m: Float32Array | null, v: Float32Array, info: AdaptiveInfo): AdaptiveResult<Float32Array> {
    const result = super.adaptiveUpdate(param, grad, m, v, info);
    for (let i = 0; i < info.size; i++) {
      const direction = result.m === null ? grad[i]! : result.m[i]!;
      result.param[i] = f32(param[i]! - f32(f32(info.learningRate * direction) / f32(Math.sqrt(f32(result.v[i]! + info.epsilon)))));
    }
    return result;
  }
}

describe('the conformance suite catches a broken backend', () => {
  it('that scales conv2dBackwardFilter by 1 + 1e-2: exactly the checks comparing filter gradients fail, naming the filter gradient', async () => {
    const failing = await failingReports(new ScaledFilterGradientBackend());
    expect(failing.map((r) => r.id).sort()).toEqual(numericChecksOf('conv2dBackwardFilter').sort());
    const conv1 = failing.find((r) => r.id === 'conv2dBackwardFilter/lenet-conv1');
    expect(conv1?.failures.join('\n')).toMatch(
      /^conv2dBackwardFilter dFilter \[5,5,1,6\]: \d+ of 150 elements off; worst at \[\d+,\d+,0,\d+\] \(flat \d+\): expected .+, got .+, \|error\| .+ vs allowed .+/,
    );
    const fixture = failing.find((r) => r.id === 'fixture/tfjs-layers-step');
    expect(fixture?.failures.some((f) => f.startsWith('gradient of conv1.kernel'))).toBe(true);
    expect(fixture?.failures.some((f) => f.startsWith('gradient of dense1.kernel'))).toBe(false);
  });

  it('that lets the last maximum win maxPool ties: the tied maxPool checks fail on argmax, the tie-free ones pass', async () => {
    const failing = await failingReports(
      new LastMaxWinsBackend(),
      conformanceChecks.filter((c) => c.id.startsWith('maxPool/')),
    );
    expect(failing.map((r) => r.id).sort()).toEqual([
      'maxPool/constant',
      'maxPool/lenet-pool1-ties',
      'maxPool/odd-same-2x2',
      'maxPool/overlap-same-negative',
      'maxPool/partial-batch-16',
    ]);
    for (const report of failing) expect(report.failures).toEqual([expect.stringMatching(/^maxPool argmax \(flat NHWC input index, first max wins\)/)]);
  });

  it('that leaks a handle in every matMul: the matMul and training-step memory checks fail', async () => {
    const failing = await failingReports(new LeakyMatMulBackend());
    expect(failing.map((r) => r.id).sort()).toEqual(['memory/matMul', 'memory/training-step']);
    const [, before, after] =
      /^matMul leaked: memory\(\)\.handles went from (\d+) to (\d+) after disposing everything$/.exec(failing[0]!.failures[0] ?? '') ?? [];
    expect(Number(after) - Number(before)).toBe(1);
  });

  it('that applies activations in place: the checks whose input changes fail on the untouched-input comparison', async () => {
    const failing = await failingReports(new InPlaceActivationBackend());
    expect(failing.map((r) => r.id).sort()).toEqual(['activation/relu', 'activation/sigmoid']);
    expect(failing[0]!.failures).toEqual([expect.stringMatching(/^input x left unchanged: \d+ of 1001 elements off/)]);
  });

  it('that takes 1 - beta2 in float32: every Adam check starting from zero moments fails on v, no RMSprop check fails', async () => {
    const failing = (
      await failingReports(
        new Float32DecayBackend(),
        conformanceChecks.filter((c) => c.exercises.includes('adaptiveUpdate')),
      )
    ).map((r) => r.id);
    expect(failing).toEqual(
      expect.arrayContaining(['adaptiveUpdate/adam-keras-defaults', 'adaptiveUpdate/adam-lenet-dense1', 'adaptiveUpdate/adam-epsilon-scale']),
    );
    expect(failing.filter((id) => id.includes('rmsprop'))).toEqual([]);
  });

  it('that puts epsilon inside the root (Keras 3, tfjs RMSprop): exactly the adaptiveUpdate checks fail, on the parameter', async () => {
    const failing = await failingReports(new EpsilonInsideRootBackend());
    expect(failing.map((r) => r.id).sort()).toEqual(numericChecksOf('adaptiveUpdate').sort());
    for (const report of failing) expect(report.failures[0]).toMatch(/^(adam|rmsprop) param after step t=\d+/);
  });
});
