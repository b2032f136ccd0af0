/**
 * Shapes and index geometry, computed once here so that no backend re-derives them (tfjs habit).
 * Layout is NHWC throughout; filters are HWIO ([KH, KW, C, F]) as in Keras.
 */

export type Padding = 'valid' | 'same';

export interface Conv2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  /** Rows/columns of implicit zeros before the first input row/column. */
  readonly padTop: number;
  readonly padLeft: number;
  readonly inShape: readonly [number, number, number, number];
  readonly outShape: readonly [number, number, number, number];
  readonly filterShape: readonly [number, number, number, number];
}

export interface Pool2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly inShape: readonly [number, number, number, number];
  readonly outShape: readonly [number, number, number, number];
}

export interface MatMulInfo {
  /** Rows of the result. */
  readonly m: number;
  /** The summed dimension. */
  readonly k: number;
  /** Columns of the result. */
  readonly n: number;
  /** a is stored [K, M] and used transposed. */
  readonly transposeA: boolean;
  /** b is stored [N, K] and used transposed. */
  readonly transposeB: boolean;
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

function positiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1) throw new ShapeError(`${what} must be a positive integer, got ${value}`);
}

/** Output size and leading padding along one axis, with TF's rules for 'valid' and 'same'. */
function outputAxis(inSize: number, window: number, stride: number, padding: Padding): { out: number; padBefore: number } {
  if (padding === 'valid') return { out: Math.floor((inSize - window) / stride) + 1, padBefore: 0 };
  const out = Math.ceil(inSize / stride);
  const padTotal = Math.max((out - 1) * stride + window - inSize, 0);
  return { out, padBefore: Math.floor(padTotal / 2) };
}

export function conv2dInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  strides: readonly [number, number] = [1, 1],
  padding: Padding = 'valid',
): Conv2DInfo {
  if (inShape.length !== 4) throw new ShapeError(`conv2d input must be [N,H,W,C], got [${inShape.join(',')}]`);
  if (filterShape.length !== 4) throw new ShapeError(`conv2d filter must be [KH,KW,C,F], got [${filterShape.join(',')}]`);
  const [batch, inHeight, inWidth, inChannels] = inShape as [number, number, number, number];
  const [filterHeight, filterWidth, filterChannels, outChannels] = filterShape as [number, number, number, number];
  for (const [v, what] of [
    [batch, 'batch'],
    [inHeight, 'height'],
    [inWidth, 'width'],
    [inChannels, 'channels'],
    [filterHeight, 'kernel height'],
    [filterWidth, 'kernel width'],
    [outChannels, 'filters'],
    [strides[0], 'stride'],
    [strides[1], 'stride'],
  ] as const) {
    positiveInt(v, `conv2d ${what}`);
  }
  if (filterChannels !== inChannels) {
    throw new ShapeError(`conv2d filter has ${filterChannels} input channels but the input has ${inChannels}`);
  }
  const rows = outputAxis(inHeight, filterHeight, strides[0], padding);
  const cols = outputAxis(inWidth, filterWidth, strides[1], padding);
  if (rows.out < 1 || cols.out < 1) {
    throw new ShapeError(`conv2d kernel ${filterHeight}x${filterWidth} does not fit a ${inHeight}x${inWidth} input with '${padding}' padding`);
  }
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    outHeight: rows.out,
    outWidth: cols.out,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight: strides[0],
    strideWidth: strides[1],
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
    inShape: [batch, inHeight, inWidth, inChannels],
    outShape: [batch, rows.out, cols.out, outChannels],
    filterShape: [filterHeight, filterWidth, inChannels, outChannels],
  };
}

export function pool2dInfo(
  inShape: readonly number[],
  poolSize: readonly [number, number],
  strides: readonly [number, number] = poolSize,
  padding: Padding = 'valid',
): Pool2DInfo {
  if (inShape.length !== 4) throw new ShapeError(`pooling input must be [N,H,W,C], got [${inShape.join(',')}]`);
  const [batch, inHeight, inWidth, channels] = inShape as [number, number, number, number];
  for (const [v, what] of [
    [batch, 'batch'],
    [inHeight, 'height'],
    [inWidth, 'width'],
    [channels, 'channels'],
    [poolSize[0], 'pool height'],
    [poolSize[1], 'pool width'],
    [strides[0], 'stride'],
    [strides[1], 'stride'],
  ] as const) {
    positiveInt(v, `max pooling ${what}`);
  }
  const rows = outputAxis(inHeight, poolSize[0], strides[0], padding);
  const cols = outputAxis(inWidth, poolSize[1], strides[1], padding);
  if (rows.out < 1 || cols.out < 1) {
    throw new ShapeError(`pool ${poolSize[0]}x${poolSize[1]} does not fit a ${inHeight}x${inWidth} input with '${padding}' padding`);
  }
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight: rows.out,
    outWidth: cols.out,
    poolHeight: poolSize[0],
    poolWidth: poolSize[1],
    strideHeight: strides[0],
    strideWidth: strides[1],
    padTop: rows.padBefore,
    padLeft: cols.padBefore,
    inShape: [batch, inHeight, inWidth, channels],
    outShape: [batch, rows.out, cols.out, channels],
  };
}

export function matMulInfo(m: number, k: number, n: number, transposeA = false, transposeB = false): MatMulInfo {
  positiveInt(m, 'matMul rows');
  positiveInt(k, 'matMul inner size');
  positiveInt(n, 'matMul columns');
  return { m, k, n, transposeA, transposeB };
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}
