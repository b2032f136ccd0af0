import { compareClose, type Comparison } from '@lenet-ts/core/testing';

/**
 * For this package's tests (not exported): compares a result with its float64 reference, each element
 * allowed `atol + rtol * |expected|`. The kernels' own tests hold them to this tighter, shape-independent
 * bound; the conformance suite's allowances (core/testing's tolerance.ts) fit every backend.
 */
export function closeToReference(label: string, got: ArrayLike<number>, expected: Float64Array, rtol = 1e-5, atol = 1e-5): Comparison {
  return compareClose(
    label,
    got,
    expected,
    expected.map((v) => atol + rtol * Math.abs(v)),
  );
}
