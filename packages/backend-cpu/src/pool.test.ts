import { pool2dInfo, sizeOf, type Padding } from '@lenet-ts/core';
import { SeededRandom } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './index.js';

describe('maxPool', () => {
  it('takes the max of each 2x2 window and records its flat index in x', async () => {
    const backend = createCpuBackend();
    // Two images of 4x4x1; the second is the first plus 100, so its indices are offset by 16.
    const image = [1, 5, 2, 0, 3, 4, 8, 6, 9, 0, 1, 1, 7, 2, 3, 0];
    const x = Float32Array.from([...image, ...image.map((v) => v + 100)]);
    const { y, argmax } = backend.maxPool(backend.upload(x), pool2dInfo([2, 4, 4, 1], [2, 2]));
    expect(Array.from(await backend.read(y))).toEqual([5, 8, 9, 3, 105, 108, 109, 103]);
    expect(Array.from(await backend.read(argmax))).toEqual([1, 6, 8, 14, 17, 22, 24, 30]);
  });

  it('lets the first maximum in row-major window order win ties, per channel', async () => {
    const backend = createCpuBackend();
    // 2x2x2 input (h, w, c): channel 0 is all 3s; channel 1 has its max 7 at (0,1) and (1,0).
    const x = Float32Array.of(3, 0, 3, 7, 3, 7, 3, 1);
    const { y, argmax } = backend.maxPool(backend.upload(x), pool2dInfo([1, 2, 2, 2], [2, 2]));
    expect(Array.from(await backend.read(y))).toEqual([3, 7]);
    expect(Array.from(await backend.read(argmax))).toEqual([0, 3]);
  });

  it('2x2 stride 2 (the integer fast path) matches a float scan on ties, zeros, negatives, infinities and NaN', async () => {
    const backend = createCpuBackend({ threads: 1 });
    const info = pool2dInfo([3, 8, 6, 4], [2, 2]);
    // Few distinct values, so that many windows tie; most windows are non-negative (the fast path).
    const specials = [-0, 0, -1, Infinity, -Infinity, NaN];
    const x = Float32Array.from(new SeededRandom(5).floats(sizeOf(info.inShape), -1, 1), (v, i) =>
      i % 37 === 0 ? specials[(i / 37) % specials.length]! : Math.round(Math.abs(v) * 4) / 4,
    );
    const { y, argmax } = backend.maxPool(backend.upload(x), info);
    const values = await backend.read(y);
    const indices = await backend.read(argmax);
    let o = 0;
    for (let n = 0; n < info.batch; n++)
      for (let oh = 0; oh < info.outHeight; oh++)
        for (let ow = 0; ow < info.outWidth; ow++) {
          for (let c = 0; c < info.channels; c++, o++) {
            let where = ((n * info.inHeight + 2 * oh) * info.inWidth + 2 * ow) * info.channels + c;
            for (const [dh, dw] of [
              [0, 1],
              [1, 0],
              [1, 1],
            ] as const) {
              const i = ((n * info.inHeight + 2 * oh + dh) * info.inWidth + 2 * ow + dw) * info.channels + c;
              if (x[i]! > x[where]!) where = i;
            }
            expect(Object.is(values[o], x[where]), `output ${o}`).toBe(true);
            expect(indices[o], `argmax ${o}`).toBe(where);
          }
        }
  });

  it('never lets a padding position win, even over negative inputs', async () => {
    const backend = createCpuBackend();
    // 3x3 window, stride 1, same padding on a 4x4 input: one row/column of padding before.
    const x = Float32Array.from({ length: 16 }, (_, i) => -1 - i);
    const info = pool2dInfo([1, 4, 4, 1], [3, 3], [1, 1], 'same');
    expect(info.padTop).toBe(1);
    const { y, argmax } = backend.maxPool(backend.upload(x), info);
    const values = await backend.read(y);
    const indices = await backend.read(argmax);
    // The window of output (0,0) covers input rows 0..1 and columns 0..1 plus padding: max is x[0] = -1.
    expect(values[0]).toBe(-1);
    expect(indices[0]).toBe(0);
    // Output (3,3) covers input rows/columns 2..3: max is x[2*4+2] = -11.
    expect(values[15]).toBe(-11);
    expect(indices[15]).toBe(10);
  });

  for (const [strides, padding] of [
    [[2, 2], 'valid'],
    [[2, 1], 'same'],
    [[1, 1], 'same'],
  ] as [[number, number], Padding][]) {
    it(`matches a naive scan for stride ${strides.join('x')} ${padding} padding`, async () => {
      const backend = createCpuBackend();
      const info = pool2dInfo([2, 7, 6, 3], [3, 2], strides, padding);
      const x = new SeededRandom(9).floats(sizeOf(info.inShape), -1, 1);
      const { y, argmax } = backend.maxPool(backend.upload(x), info);
      const expectedY: number[] = [];
      const expectedArgmax: number[] = [];
      for (let n = 0; n < info.batch; n++)
        for (let oh = 0; oh < info.outHeight; oh++)
          for (let ow = 0; ow < info.outWidth; ow++) {
            for (let c = 0; c < info.channels; c++) {
              let best = -Infinity;
              let where = -1;
              for (let ph = 0; ph < info.poolHeight; ph++)
                for (let pw = 0; pw < info.poolWidth; pw++) {
                  const h = oh * info.strideHeight - info.padTop + ph;
                  const w = ow * info.strideWidth - info.padLeft + pw;
                  if (h < 0 || h >= info.inHeight || w < 0 || w >= info.inWidth) continue;
                  const i = ((n * info.inHeight + h) * info.inWidth + w) * info.channels + c;
                  if (x[i]! > best) {
                    best = x[i]!;
                    where = i;
                  }
                }
              expectedY.push(best);
              expectedArgmax.push(where);
            }
          }
      expect(Array.from(await backend.read(y))).toEqual(expectedY);
      expect(Array.from(await backend.read(argmax))).toEqual(expectedArgmax);
    });
  }
});

describe('maxPoolBackward', () => {
  it('routes each gradient to its max and zeros every other position', async () => {
    const backend = createCpuBackend();
    const info = pool2dInfo([1, 2, 4, 1], [2, 2]);
    const { argmax } = backend.maxPool(backend.upload(Float32Array.of(0, 1, 5, 2, 3, 2, 1, 4)), info);
    const dx = backend.maxPoolBackward(backend.upload(Float32Array.of(10, 20)), argmax, info);
    expect(Array.from(await backend.read(dx))).toEqual([0, 0, 20, 0, 10, 0, 0, 0]);
  });

  it('adds the gradients of overlapping windows that share a max', async () => {
    const backend = createCpuBackend();
    // 3x3 windows, stride 1, on 4x4: x[1,1] = 9 is the max of all four windows.
    const x = new Float32Array(16);
    x[5] = 9;
    const info = pool2dInfo([1, 4, 4, 1], [3, 3], [1, 1]);
    const { argmax } = backend.maxPool(backend.upload(x), info);
    const dx = await backend.read(backend.maxPoolBackward(backend.upload(Float32Array.of(1, 2, 3, 4)), argmax, info));
    expect(dx[5]).toBe(10);
    expect(dx.reduce((s, v) => s + Math.abs(v), 0)).toBe(10);
  });
});
