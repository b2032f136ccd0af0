/** The fields of core's Pool2DInfo the kernels read; workers rebuild it from a task's integers. */
export interface PoolGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  poolHeight: number;
  poolWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/** Largest input whose flat indices float32 holds exactly (the argmax handle is a Float32Array). */
export const MAX_POOL_INPUT = 2 ** 24;

/**
 * Max over each window of samples [sampleStart, sampleEnd), NHWC, channels innermost so the inner loop
 * is contiguous. Windows are scanned row-major and only a strictly greater value replaces the best, so
 * the first max wins ties; padding positions are skipped, so they never win. argmax holds the flat
 * index into x as a float.
 */
export function maxPool(x: Float32Array, info: PoolGeometry, y: Float32Array, argmax: Float32Array, sampleStart: number, sampleEnd: number): void {
  const { inHeight: H, inWidth: W, channels: C, outHeight, outWidth, poolHeight, poolWidth } = info;
  let o = sampleStart * outHeight * outWidth * C;
  for (let n = sampleStart; n < sampleEnd; n++) {
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

/**
 * Samples [sampleStart, sampleEnd) of dx: zeroed, then each dy added to the input position its max came
 * from (overlapping windows add, in dy order). A sample's argmax indices stay inside that sample.
 */
export function maxPoolBackward(dy: Float32Array, argmax: Float32Array, dx: Float32Array, info: PoolGeometry, sampleStart: number, sampleEnd: number): void {
  const inSize = info.inHeight * info.inWidth * info.channels;
  const outSize = info.outHeight * info.outWidth * info.channels;
  dx.fill(0, sampleStart * inSize, sampleEnd * inSize);
  for (let i = sampleStart * outSize, end = sampleEnd * outSize; i < end; i++) {
    const target = argmax[i]!;
    dx[target] = dx[target]! + dy[i]!;
  }
}
