import { conv2dInfo, sizeOf, type Conv2DInfo, type Padding } from '@lenet-ts/core';
import { reference, SeededRandom } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { closeToReference } from './close-to-reference.js';
import { createCpuBackend } from './index.js';

interface ConvCase {
  readonly name: string;
  readonly input: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
}

const cases: ConvCase[] = [
  { name: 'LeNet conv1 (5x5, 1 -> 6, valid)', input: [2, 28, 28, 1], filter: [5, 5, 1, 6], strides: [1, 1], padding: 'valid' },
  { name: 'LeNet conv2 (5x5, 6 -> 16, valid)', input: [3, 12, 12, 6], filter: [5, 5, 6, 16], strides: [1, 1], padding: 'valid' },
  { name: 'stride 2, same padding, odd sizes', input: [2, 9, 7, 3], filter: [3, 3, 3, 5], strides: [2, 2], padding: 'same' },
  { name: 'non-square kernel and strides, same padding', input: [1, 8, 11, 2], filter: [2, 4, 2, 3], strides: [3, 2], padding: 'same' },
  { name: 'kernel as large as the input, same padding', input: [1, 5, 5, 2], filter: [5, 5, 2, 7], strides: [1, 1], padding: 'same' },
  { name: 'deep patch that crosses a depth block', input: [1, 6, 6, 40], filter: [3, 3, 40, 4], strides: [1, 1], padding: 'valid' },
];

function prepare(c: ConvCase): { info: Conv2DInfo; x: Float32Array; filter: Float32Array; bias: Float32Array; dy: Float32Array } {
  const info = conv2dInfo(c.input, c.filter, c.strides, c.padding);
  return {
    info,
    x: new SeededRandom(1).floats(sizeOf(info.inShape), -1, 1),
    filter: new SeededRandom(2).floats(sizeOf(info.filterShape), -1, 1),
    bias: new SeededRandom(3).floats(info.outChannels, -1, 1),
    dy: new SeededRandom(4).floats(sizeOf(info.outShape), -1, 1),
  };
}

describe('conv2d', () => {
  for (const c of cases) {
    it(`forward matches float64 loops: ${c.name}`, async () => {
      const { info, x, filter, bias } = prepare(c);
      const backend = createCpuBackend();
      const y = backend.conv2d(backend.upload(x), backend.upload(filter), backend.upload(bias), info, 'relu');
      const close = closeToReference('y', await backend.read(y), reference.conv2d(x, filter, bias, info, 'relu'));
      expect(close.passed, close.message).toBe(true);
    });

    it(`input gradient matches float64 loops: ${c.name}`, async () => {
      const { info, dy, filter } = prepare(c);
      const backend = createCpuBackend();
      const dx = backend.conv2dBackwardInput(backend.upload(dy), backend.upload(filter), info);
      const close = closeToReference('dx', await backend.read(dx), reference.conv2dBackwardInput(dy, filter, info));
      expect(close.passed, close.message).toBe(true);
    });

    it(`filter gradient matches float64 loops: ${c.name}`, async () => {
      const { info, x, dy } = prepare(c);
      const backend = createCpuBackend();
      const df = backend.conv2dBackwardFilter(backend.upload(x), backend.upload(dy), info);
      const close = closeToReference('dfilter', await backend.read(df), reference.conv2dBackwardFilter(x, dy, info));
      expect(close.passed, close.message).toBe(true);
    });
  }

  for (const c of cases) {
    // Behind a max-pool three gradients in four are zero: the kernels then skip the zeros.
    it(`input and filter gradients of a mostly-zero dy match float64 loops: ${c.name}`, async () => {
      const { info, x, filter, dy } = prepare(c);
      const sparse = dy.map((v, i) => (i % 4 === 1 ? v : 0));
      const backend = createCpuBackend();
      const dx = backend.conv2dBackwardInput(backend.upload(sparse), backend.upload(filter), info);
      const input = closeToReference('dx', await backend.read(dx), reference.conv2dBackwardInput(sparse, filter, info));
      expect(input.passed, input.message).toBe(true);
      const df = backend.conv2dBackwardFilter(backend.upload(x), backend.upload(sparse), info);
      const filterGradient = closeToReference('dfilter', await backend.read(df), reference.conv2dBackwardFilter(x, sparse, info));
      expect(filterGradient.passed, filterGradient.message).toBe(true);
    });
  }

  it('stays right when more geometries alternate on one backend than it caches index tables for', async () => {
    const backend = createCpuBackend();
    for (let round = 0; round < 2; round++) {
      for (const c of cases) {
        const { info, x, filter } = prepare(c);
        const y = backend.conv2d(backend.upload(x), backend.upload(filter), null, info, 'linear');
        const close = closeToReference(`y, ${c.name}`, await backend.read(y), reference.conv2d(x, filter, null, info, 'linear'));
        expect(close.passed, close.message).toBe(true);
      }
    }
  });

  it('treats positions outside the input as zeros', async () => {
    // 3x3 ones, 3x3 ones kernel, same padding: each output counts the input cells under its window.
    const info = conv2dInfo([1, 3, 3, 1], [3, 3, 1, 1], [1, 1], 'same');
    const backend = createCpuBackend();
    const y = backend.conv2d(backend.upload(new Float32Array(9).fill(1)), backend.upload(new Float32Array(9).fill(1)), null, info, 'linear');
    expect(Array.from(await backend.read(y))).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
  });

  it('applies the sigmoid to conv + bias', async () => {
    const info = conv2dInfo([1, 1, 1, 1], [1, 1, 1, 2]);
    const backend = createCpuBackend();
    const y = backend.conv2d(
      backend.upload(Float32Array.of(2)),
      backend.upload(Float32Array.of(1, -3)),
      backend.upload(Float32Array.of(-2, 4)),
      info,
      'sigmoid',
    );
    expect(Array.from(await backend.read(y))).toEqual([0.5, Math.fround(1 / (1 + Math.exp(2)))]);
  });
});
