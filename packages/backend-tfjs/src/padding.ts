import type { Conv2DInfo, Pool2DInfo } from '@lenet-ts/core';

/** tfjs explicit padding, NHWC: [[0,0],[top,bottom],[left,right],[0,0]]. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Core gives the leading padding and the output size; the trailing padding is whatever makes tf's
 * floor((in + before + after - window) / stride) + 1 equal that output size (0 for 'valid').
 */
export function explicitPadding(info: Conv2DInfo | Pool2DInfo): ExplicitPadding {
  const [windowHeight, windowWidth] = 'filterHeight' in info ? [info.filterHeight, info.filterWidth] : [info.poolHeight, info.poolWidth];
  const bottom = Math.max(0, (info.outHeight - 1) * info.strideHeight + windowHeight - info.inHeight - info.padTop);
  const right = Math.max(0, (info.outWidth - 1) * info.strideWidth + windowWidth - info.inWidth - info.padLeft);
  return [
    [0, 0],
    [info.padTop, bottom],
    [info.padLeft, right],
    [0, 0],
  ];
}

export function isZeroPadding(pad: ExplicitPadding): boolean {
  return pad.every(([before, after]) => before === 0 && after === 0);
}
