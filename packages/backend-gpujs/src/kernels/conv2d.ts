import { sizeOf, type ActivationKind, type Conv2DInfo } from '@lenet-ts/core';
import { ACTIVATION_CODES, quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

/** Terms one partial sum of the filter gradient covers: long enough to be cheap, short enough for GL to spread. */
export const FILTER_GRADIENT_TERMS_PER_PARTIAL = 256;

type Conv2DGeometry = 'H' | 'W' | 'C' | 'OH' | 'OW' | 'F' | 'KH' | 'KW' | 'SH' | 'SW' | 'PT' | 'PL';
type Conv2DForwardConstant = Conv2DGeometry | 'HAS_BIAS' | 'ACT';
type Conv2DBackwardFilterConstant = Conv2DGeometry | 'FS' | 'ROWS' | 'GROUPS';

function geometry(info: Conv2DInfo): Record<Conv2DGeometry, number> {
  return {
    H: info.inHeight,
    W: info.inWidth,
    C: info.inChannels,
    OH: info.outHeight,
    OW: info.outWidth,
    F: info.outChannels,
    KH: info.filterHeight,
    KW: info.filterWidth,
    SH: info.strideHeight,
    SW: info.strideWidth,
    PT: info.padTop,
    PL: info.padLeft,
  };
}

/** y[n,oh,ow,f] = act(sum_{kh,kw,c} x[n, oh*SH-PT+kh, ow*SW-PL+kw, c] * filter[kh,kw,c,f] + bias[f]); padding reads 0. */
function conv2dForward(this: KernelThis<Conv2DForwardConstant>, x: Float32Array, filter: Float32Array, bias: Float32Array): number {
  const i = this.thread.x;
  const pixel = quotient(i, this.constants.F);
  const f = i - pixel * this.constants.F;
  const row = quotient(pixel, this.constants.OW);
  const ow = pixel - row * this.constants.OW;
  const n = quotient(row, this.constants.OH);
  const oh = row - n * this.constants.OH;
  let sum = 0;
  for (let kh = 0; kh < this.constants.KH; kh++) {
    const h = oh * this.constants.SH - this.constants.PT + kh;
    if (h >= 0 && h < this.constants.H) {
      for (let kw = 0; kw < this.constants.KW; kw++) {
        const w = ow * this.constants.SW - this.constants.PL + kw;
        if (w >= 0 && w < this.constants.W) {
          const xBase = ((n * this.constants.H + h) * this.constants.W + w) * this.constants.C;
          const fBase = (kh * this.constants.KW + kw) * this.constants.C;
          for (let c = 0; c < this.constants.C; c++) {
            sum += x[xBase + c]! * filter[(fBase + c) * this.constants.F + f]!;
          }
        }
      }
    }
  }
  if (this.constants.HAS_BIAS === 1) {
    sum += bias[f]!;
  }
  if (this.constants.ACT === 1) {
    return 1 / (1 + Math.exp(-sum));
  }
  if (this.constants.ACT === 2) {
    return Math.max(sum, 0);
  }
  return sum;
}

/** dx[n,h,w,c] = sum over the (kh,kw,f) whose output position (oh,ow) reads x[n,h,w,c]. */
function conv2dBackwardInput(this: KernelThis<Conv2DGeometry>, dy: Float32Array, filter: Float32Array): number {
  const i = this.thread.x;
  const pixel = quotient(i, this.constants.C);
  const c = i - pixel * this.constants.C;
  const row = quotient(pixel, this.constants.W);
  const w = pixel - row * this.constants.W;
  const n = quotient(row, this.constants.H);
  const h = row - n * this.constants.H;
  let sum = 0;
  for (let kh = 0; kh < this.constants.KH; kh++) {
    const ohStride = h + this.constants.PT - kh;
    const oh = quotient(ohStride, this.constants.SH);
    if (ohStride >= 0 && oh * this.constants.SH === ohStride && oh < this.constants.OH) {
      for (let kw = 0; kw < this.constants.KW; kw++) {
        const owStride = w + this.constants.PL - kw;
        const ow = quotient(owStride, this.constants.SW);
        if (owStride >= 0 && ow * this.constants.SW === owStride && ow < this.constants.OW) {
          const dyBase = ((n * this.constants.OH + oh) * this.constants.OW + ow) * this.constants.F;
          const fBase = ((kh * this.constants.KW + kw) * this.constants.C + c) * this.constants.F;
          for (let f = 0; f < this.constants.F; f++) {
            sum += dy[dyBase + f]! * filter[fBase + f]!;
          }
        }
      }
    }
  }
  return sum;
}

/**
 * Partial filter gradients: output [P, KH*KW*C*F]; partial p sums x * dy over GROUPS image rows
 * (n, oh) starting at p*GROUPS, so GL runs P times more threads than a single 18432-term loop would.
 */
function conv2dBackwardFilterPartial(this: KernelThis<Conv2DBackwardFilterConstant>, x: Float32Array, dy: Float32Array): number {
  const t = this.thread.x;
  const p = quotient(t, this.constants.FS);
  const e = t - p * this.constants.FS;
  const rest = quotient(e, this.constants.F);
  const f = e - rest * this.constants.F;
  const tap = quotient(rest, this.constants.C);
  const c = rest - tap * this.constants.C;
  const kh = quotient(tap, this.constants.KW);
  const kw = tap - kh * this.constants.KW;
  let sum = 0;
  for (let j = 0; j < this.constants.GROUPS; j++) {
    const g = p * this.constants.GROUPS + j;
    if (g < this.constants.ROWS) {
      const n = quotient(g, this.constants.OH);
      const oh = g - n * this.constants.OH;
      const h = oh * this.constants.SH - this.constants.PT + kh;
      if (h >= 0 && h < this.constants.H) {
        for (let ow = 0; ow < this.constants.OW; ow++) {
          const w = ow * this.constants.SW - this.constants.PL + kw;
          if (w >= 0 && w < this.constants.W) {
            sum +=
              x[((n * this.constants.H + h) * this.constants.W + w) * this.constants.C + c]! *
              dy[((n * this.constants.OH + oh) * this.constants.OW + ow) * this.constants.F + f]!;
          }
        }
      }
    }
  }
  return sum;
}

export function conv2dForwardSpec(info: Conv2DInfo, hasBias: boolean, activation: ActivationKind): KernelSpec<Conv2DForwardConstant> {
  return {
    name: 'conv2d',
    body: conv2dForward,
    constants: { ...geometry(info), HAS_BIAS: hasBias ? 1 : 0, ACT: ACTIVATION_CODES[activation] },
    size: sizeOf(info.outShape),
    inputs: ['x', 'filter', 'bias'],
    scalars: [],
  };
}

export function conv2dBackwardInputSpec(info: Conv2DInfo): KernelSpec<Conv2DGeometry> {
  return {
    name: 'conv2dBackwardInput',
    body: conv2dBackwardInput,
    constants: geometry(info),
    size: sizeOf(info.inShape),
    inputs: ['dy', 'filter'],
    scalars: [],
  };
}

/** The partial-sum kernel of the filter gradient and how many partials it writes (summed by `sumPartialsSpec`). */
export function conv2dBackwardFilterPartialSpec(info: Conv2DInfo): { spec: KernelSpec<Conv2DBackwardFilterConstant>; partials: number } {
  const rows = info.batch * info.outHeight;
  const groups = Math.max(1, Math.min(rows, Math.floor(FILTER_GRADIENT_TERMS_PER_PARTIAL / info.outWidth)));
  const partials = Math.ceil(rows / groups);
  const filterSize = sizeOf(info.filterShape);
  return {
    partials,
    spec: {
      name: 'conv2dBackwardFilterPartial',
      body: conv2dBackwardFilterPartial,
      constants: { ...geometry(info), FS: filterSize, ROWS: rows, GROUPS: groups },
      size: partials * filterSize,
      inputs: ['x', 'dy'],
      scalars: [],
    },
  };
}
