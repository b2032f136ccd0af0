import { sizeOf, type Pool2DInfo } from '@lenet-ts/core';
import { quotient, type KernelSpec, type KernelThis } from './kernel-spec.js';

type Pool2DGeometry = 'H' | 'W' | 'C' | 'OH' | 'OW' | 'PH' | 'PW' | 'SH' | 'SW' | 'PT' | 'PL';
type MaxPoolBackwardConstant = Pool2DGeometry | 'WINDOWS_H' | 'WINDOWS_W';

function geometry(info: Pool2DInfo): Record<Pool2DGeometry, number> {
  return {
    H: info.inHeight,
    W: info.inWidth,
    C: info.channels,
    OH: info.outHeight,
    OW: info.outWidth,
    PH: info.poolHeight,
    PW: info.poolWidth,
    SH: info.strideHeight,
    SW: info.strideWidth,
    PT: info.padTop,
    PL: info.padLeft,
  };
}

/**
 * The window maximum (ARGMAX 0) or the flat NHWC input index it came from (ARGMAX 1). The window is scanned
 * row-major and only a strictly greater value replaces the best, so the first maximum wins ties; padding
 * positions are skipped. Indices stay exact as floats because inputs hold fewer than 2^24 elements.
 */
function maxPoolWindow(this: KernelThis<Pool2DGeometry | 'ARGMAX'>, x: Float32Array): number {
  const i = this.thread.x;
  const pixel = quotient(i, this.constants.C);
  const c = i - pixel * this.constants.C;
  const row = quotient(pixel, this.constants.OW);
  const ow = pixel - row * this.constants.OW;
  const n = quotient(row, this.constants.OH);
  const oh = row - n * this.constants.OH;
  let found = 0;
  let best = 0;
  let bestIndex = 0;
  for (let ph = 0; ph < this.constants.PH; ph++) {
    const h = oh * this.constants.SH - this.constants.PT + ph;
    if (h >= 0 && h < this.constants.H) {
      for (let pw = 0; pw < this.constants.PW; pw++) {
        const w = ow * this.constants.SW - this.constants.PL + pw;
        if (w >= 0 && w < this.constants.W) {
          const index = ((n * this.constants.H + h) * this.constants.W + w) * this.constants.C + c;
          const v = x[index]!;
          if (found === 0 || v > best) {
            best = v;
            bestIndex = index;
            found = 1;
          }
        }
      }
    }
  }
  if (this.constants.ARGMAX === 1) {
    return bestIndex;
  }
  return best;
}

/**
 * Gather form of the scatter dx[argmax[o]] += dy[o]: each input position visits the at most
 * ceil(PH/SH) x ceil(PW/SW) windows that contain it and adds dy of those whose argmax is itself.
 */
function maxPoolBackward(this: KernelThis<MaxPoolBackwardConstant>, dy: Float32Array, argmax: Float32Array): number {
  const i = this.thread.x;
  const pixel = quotient(i, this.constants.C);
  const c = i - pixel * this.constants.C;
  const row = quotient(pixel, this.constants.W);
  const w = pixel - row * this.constants.W;
  const n = quotient(row, this.constants.H);
  const h = row - n * this.constants.H;
  const lastOh = quotient(h + this.constants.PT, this.constants.SH);
  const lastOw = quotient(w + this.constants.PL, this.constants.SW);
  let sum = 0;
  for (let a = 0; a < this.constants.WINDOWS_H; a++) {
    const oh = lastOh - a;
    if (oh >= 0 && oh < this.constants.OH && h + this.constants.PT - oh * this.constants.SH < this.constants.PH) {
      for (let b = 0; b < this.constants.WINDOWS_W; b++) {
        const ow = lastOw - b;
        if (ow >= 0 && ow < this.constants.OW && w + this.constants.PL - ow * this.constants.SW < this.constants.PW) {
          const o = ((n * this.constants.OH + oh) * this.constants.OW + ow) * this.constants.C + c;
          if (argmax[o] === i) {
            sum += dy[o]!;
          }
        }
      }
    }
  }
  return sum;
}

export function maxPoolSpec(info: Pool2DInfo, output: 'max' | 'argmax'): KernelSpec<Pool2DGeometry | 'ARGMAX'> {
  return {
    name: output === 'max' ? 'maxPool' : 'maxPoolArgmax',
    body: maxPoolWindow,
    constants: { ...geometry(info), ARGMAX: output === 'argmax' ? 1 : 0 },
    size: sizeOf(info.outShape),
    inputs: ['x'],
    scalars: [],
  };
}

export function maxPoolBackwardSpec(info: Pool2DInfo): KernelSpec<MaxPoolBackwardConstant> {
  return {
    name: 'maxPoolBackward',
    body: maxPoolBackward,
    constants: {
      ...geometry(info),
      WINDOWS_H: Math.ceil(info.poolHeight / info.strideHeight),
      WINDOWS_W: Math.ceil(info.poolWidth / info.strideWidth),
    },
    size: sizeOf(info.inShape),
    inputs: ['dy', 'argmax'],
    scalars: [],
  };
}
