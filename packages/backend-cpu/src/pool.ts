import { ShapeError, sizeOf, type Pool2DInfo } from '@lenet-ts/core';

/** Largest input whose flat indices float32 holds exactly (the argmax handle is a Float32Array). */
export const MAX_POOL_INPUT = 2 ** 24;

export function assertArgmaxExact(info: Pool2DInfo): void {
  const size = sizeOf(info.inShape);
  if (size > MAX_POOL_INPUT) {
    throw new ShapeError(`cpu backend: max pooling input of ${size} elements is too large for float32 argmax indices (max ${MAX_POOL_INPUT}); use a smaller batch`);
  }
}

/**
 * Max over each window, NHWC, channels innermost so the inner loop is contiguous. Windows are scanned
 * row-major and only a strictly greater value replaces the best, so the first max wins ties; padding
 * positions are skipped, so they never win. argmax holds the flat index into x as a float.
 */
export function maxPool(x: Float32Array, info: Pool2DInfo, y: Float32Array, argmax: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, channels: C, outHeight, outWidth, poolHeight, poolWidth } = info;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const image = n * H * W * C;
    for (let oh = 0; oh < outHeight; oh++) {
      const top = oh * info.strideHeight - info.padTop;
      const hStart = Math.max(top, 0);
      const hEnd = Math.min(top + poolHeight, H);
      for (let ow = 0; ow < outWidth; ow++, o += C) {
        const left = ow * info.strideWidth - info.padLeft;
        const wStart = Math.max(left, 0);
        const wEnd = Math.min(left + poolWidth, W);
        const first = image + (hStart * W + wStart) * C;
        for (let c = 0; c < C; c++) {
          y[o + c] = x[first + c]!;
          argmax[o + c] = first + c;
        }
        for (let h = hStart; h < hEnd; h++) {
          for (let w = h === hStart ? wStart + 1 : wStart; w < wEnd; w++) {
            const s = image + (h * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[s + c]!;
              if (v > y[o + c]!) {
                y[o + c] = v;
                argmax[o + c] = s + c;
              }
            }
          }
        }
      }
    }
  }
}

/** Adds each dy to the input position its max came from; dx must start zeroed (overlapping windows add). */
export function maxPoolBackward(dy: Float32Array, argmax: Float32Array, dx: Float32Array, size: number): void {
  for (let i = 0; i < size; i++) {
    const target = argmax[i]!;
    dx[target] = dx[target]! + dy[i]!;
  }
}
