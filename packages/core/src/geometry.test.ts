import { describe, expect, it } from 'vitest';
import { conv2dInfo, matMulInfo, pool2dInfo, ShapeError } from './geometry.js';

describe('geometry', () => {
  it('gives the seed LeNet shapes for a batch of one', () => {
    const c1 = conv2dInfo([1, 28, 28, 1], [5, 5, 1, 6]);
    expect(c1.outShape).toEqual([1, 24, 24, 6]);
    const p1 = pool2dInfo(c1.outShape, [2, 2]);
    expect(p1.outShape).toEqual([1, 12, 12, 6]);
    const c2 = conv2dInfo(p1.outShape, [5, 5, 6, 16]);
    expect(c2.outShape).toEqual([1, 8, 8, 16]);
    expect(pool2dInfo(c2.outShape, [2, 2]).outShape).toEqual([1, 4, 4, 16]);
  });

  it("follows TensorFlow's 'same' padding: out = ceil(in/stride), extra padding after", () => {
    const info = conv2dInfo([2, 7, 8, 3], [3, 4, 3, 5], [2, 3], 'same');
    expect(info.outShape).toEqual([2, 4, 3, 5]);
    // rows: (4-1)*2+3-7 = 2 -> top 1; cols: (3-1)*3+4-8 = 2 -> left 1
    expect([info.padTop, info.padLeft]).toEqual([1, 1]);
    expect(pool2dInfo([1, 5, 5, 1], [2, 2], [2, 2], 'same').outShape).toEqual([1, 3, 3, 1]);
  });

  it('rejects shapes that cannot work with a message naming the problem', () => {
    expect(() => conv2dInfo([1, 28, 28, 3], [5, 5, 1, 6])).toThrow(/3 .*channels|1 input channels/);
    expect(() => conv2dInfo([1, 4, 4, 1], [5, 5, 1, 6])).toThrow(ShapeError);
    expect(() => matMulInfo(0, 3, 4)).toThrow(/positive integer/);
  });
});
