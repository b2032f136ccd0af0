// What conv2dInfo, pool2dInfo and matMulInfo promise: every dimension checked by name, windows that do not
// fit refused along either axis, and the shapes they return (killing the mutants Stryker found surviving).
import { describe, expect, it } from 'vitest';
import { conv2dInfo, matMulInfo, pool2dInfo, ShapeError } from '../geometry.js';

function shapeError(fn: () => unknown): ShapeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as Error).name).toBe('ShapeError');
    return error as ShapeError;
  }
  throw new Error('expected a ShapeError');
}

describe('conv2dInfo', () => {
  it('names a wrong rank of input or filter', () => {
    expect(shapeError(() => conv2dInfo([28, 28, 1], [5, 5, 1, 6])).message).toBe('conv2d input must be [N,H,W,C], got [28,28,1]');
    expect(shapeError(() => conv2dInfo([1, 28, 28, 1], [5, 5, 6])).message).toBe('conv2d filter must be [KH,KW,C,F], got [5,5,6]');
  });

  it.each([
    [[0, 28, 28, 1], [5, 5, 1, 6], [1, 1], 'conv2d batch must be a positive integer, got 0'],
    [[1, 28, 28, 1], [5, 5, 1, 6], [1, 1.5], 'conv2d stride must be a positive integer, got 1.5'],
    [[1, 28, 28, 1], [5, 5, 1, 0], [1, 1], 'conv2d filters must be a positive integer, got 0'],
  ] as const)('checks every dimension: %j %j %j', (inShape, filterShape, strides, message) => {
    expect(shapeError(() => conv2dInfo(inShape, filterShape, strides)).message).toBe(message);
  });

  it('refuses a kernel taller or wider than a valid input, each axis alone', () => {
    expect(shapeError(() => conv2dInfo([1, 4, 28, 1], [5, 5, 1, 6])).message).toBe("conv2d kernel 5x5 does not fit a 4x28 input with 'valid' padding");
    expect(shapeError(() => conv2dInfo([1, 28, 4, 1], [5, 5, 1, 6])).message).toBe("conv2d kernel 5x5 does not fit a 28x4 input with 'valid' padding");
    // An exact fit is one output pixel, not an error.
    expect(conv2dInfo([1, 5, 5, 1], [5, 5, 1, 6]).outShape).toEqual([1, 1, 1, 6]);
  });

  it('returns the input, output and filter shapes and the padding', () => {
    const info = conv2dInfo([2, 7, 8, 3], [4, 2, 3, 5], [1, 2], 'same');
    expect(info.inShape).toEqual([2, 7, 8, 3]);
    expect(info.outShape).toEqual([2, 7, 4, 5]);
    expect(info.filterShape).toEqual([4, 2, 3, 5]);
    expect([info.padTop, info.padLeft]).toEqual([1, 0]);
    // Default: stride 1, 'valid'.
    expect(conv2dInfo([1, 28, 28, 1], [5, 5, 1, 6])).toMatchObject({ outHeight: 24, outWidth: 24, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0 });
  });
});

describe('pool2dInfo', () => {
  it('names a wrong rank and every bad dimension', () => {
    expect(shapeError(() => pool2dInfo([24, 24, 6], [2, 2])).message).toBe('pooling input must be [N,H,W,C], got [24,24,6]');
    expect(shapeError(() => pool2dInfo([1, 24, 24, 0], [2, 2])).message).toBe('max pooling channels must be a positive integer, got 0');
    expect(shapeError(() => pool2dInfo([1, 24, 24, 6], [2, 0])).message).toBe('max pooling pool width must be a positive integer, got 0');
  });

  it('refuses a window that does not fit along either axis; the default is valid padding, stride = window', () => {
    expect(shapeError(() => pool2dInfo([1, 1, 24, 6], [2, 2])).message).toBe("pool 2x2 does not fit a 1x24 input with 'valid' padding");
    expect(shapeError(() => pool2dInfo([1, 24, 1, 6], [2, 2])).message).toBe("pool 2x2 does not fit a 24x1 input with 'valid' padding");
    const info = pool2dInfo([1, 7, 7, 3], [2, 2]);
    expect(info).toMatchObject({ outHeight: 3, outWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 0, padLeft: 0 });
    expect(info.inShape).toEqual([1, 7, 7, 3]);
    expect(info.outShape).toEqual([1, 3, 3, 3]);
    expect(pool2dInfo([1, 2, 2, 1], [2, 2]).outShape).toEqual([1, 1, 1, 1]);
  });
});

describe('matMulInfo', () => {
  it.each([
    [[0, 2, 3], 'matMul rows must be a positive integer, got 0'],
    [[1, 0, 3], 'matMul inner size must be a positive integer, got 0'],
    [[1, 2, 0], 'matMul columns must be a positive integer, got 0'],
  ] as const)('names the bad size %j', ([m, k, n], message) => {
    expect(shapeError(() => matMulInfo(m, k, n)).message).toBe(message);
  });
});
