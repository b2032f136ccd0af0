import type { ActivationKind, MatMulInfo } from '@lenet-ts/core';
import { ACTIVATION_CODES, quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

/**
 * c[i,j] = act(sum_k a(i,k) * b(k,j) + bias[j]); a(i,k) = a[i*SAI + k*SAK] and b(k,j) = b[k*SBK + j*SBJ],
 * so one body serves every combination of transposes.
 */
type MatMulConstant = 'N' | 'K' | 'SAI' | 'SAK' | 'SBK' | 'SBJ' | 'HAS_BIAS' | 'ACT';

function matMul(this: KernelThis<MatMulConstant>, a: Float32Array, b: Float32Array, bias: Float32Array): number {
  const t = this.thread.x;
  const i = quotient(t, this.constants.N);
  const j = t - i * this.constants.N;
  let sum = 0;
  for (let k = 0; k < this.constants.K; k++) {
    sum += a[i * this.constants.SAI + k * this.constants.SAK]! * b[k * this.constants.SBK + j * this.constants.SBJ]!;
  }
  if (this.constants.HAS_BIAS === 1) {
    sum += bias[j]!;
  }
  if (this.constants.ACT === 1) {
    return 1 / (1 + Math.exp(-sum));
  }
  if (this.constants.ACT === 2) {
    return Math.max(sum, 0);
  }
  return sum;
}

export function matMulSpec(info: MatMulInfo, hasBias: boolean, activation: ActivationKind): KernelSpec<MatMulConstant> {
  const { m, k, n } = info;
  return {
    name: 'matMul',
    body: matMul,
    constants: {
      N: n,
      K: k,
      SAI: info.transposeA ? 1 : k,
      SAK: info.transposeA ? m : 1,
      SBK: info.transposeB ? 1 : n,
      SBJ: info.transposeB ? k : 1,
      HAS_BIAS: hasBias ? 1 : 0,
      ACT: ACTIVATION_CODES[activation],
    },
    size: m * n,
    inputs: ['a', 'b', 'bias'],
    scalars: [],
  };
}
