import { conv2dInfo, matMulInfo } from '@lenet-ts/core';
import type { GpujsBackend } from './gpujs-backend.js';

/**
 * A few kernels on small known inputs, read back and checked: proves that a mode's device really computes
 * (a GL context that opens can still fail to render float textures, or a driver can return zeros).
 * Returns null when every value matches, else what went wrong.
 */
export async function selfTest(backend: GpujsBackend): Promise<string | null> {
  const a = Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2);
  const b = Float32Array.from({ length: 8 }, (_, i) => i / 4 - 1);
  const bias = Float32Array.from([0.5, -0.25]);
  // [3,4] @ [4,2] + bias, then sigmoid.
  const expectedMatMul = new Float64Array(6);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 2; j++) {
      let sum = bias[j]!;
      for (let k = 0; k < 4; k++) sum += a[i * 4 + k]! * b[k * 2 + j]!;
      expectedMatMul[i * 2 + j] = 1 / (1 + Math.exp(-sum));
    }
  }
  // A 1x4x3x1 image with a 2x2 filter of ones: window sums.
  const info = conv2dInfo([1, 4, 3, 1], [2, 2, 1, 1]);
  const expectedConv = [0, 1, 3, 4, 6, 7].map((o) => a[o]! + a[o + 1]! + a[o + 3]! + a[o + 4]!);

  const ha = backend.upload(a);
  const hb = backend.upload(b);
  const hbias = backend.upload(bias);
  const hones = backend.upload(new Float32Array([1, 1, 1, 1]));
  const handles = [ha, hb, hbias, hones];
  try {
    const product = backend.matMul(ha, hb, hbias, matMulInfo(3, 4, 2), 'sigmoid');
    handles.push(product);
    const conv = backend.conv2d(ha, hones, null, info, 'linear');
    handles.push(conv);
    const roundTrip = await backend.read(ha);
    if (!sameValues(roundTrip, a, 0)) return `upload/read returned [${[...roundTrip.slice(0, 4)].join(', ')}, ...]`;
    const gotMatMul = await backend.read(product);
    if (!sameValues(gotMatMul, expectedMatMul, 1e-5)) return `matMul+sigmoid returned [${[...gotMatMul].join(', ')}]`;
    const gotConv = await backend.read(conv);
    if (!sameValues(gotConv, expectedConv, 1e-6)) return `conv2d returned [${[...gotConv].join(', ')}]`;
    return null;
  } finally {
    for (const h of handles) backend.dispose(h);
  }
}

function sameValues(got: Float32Array, expected: ArrayLike<number>, tolerance: number): boolean {
  if (got.length !== expected.length) return false;
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - expected[i]!) <= tolerance * (1 + Math.abs(expected[i]!)))) return false;
  }
  return true;
}
