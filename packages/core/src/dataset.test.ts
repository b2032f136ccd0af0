import { describe, expect, it } from 'vitest';
import { Batcher, sliceDataset, type Dataset } from './dataset.js';

function bytesDataset(count: number): Dataset {
  const images = Uint8Array.from({ length: count * 6 }, (_, i) => (i * 37 + 11) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count, sampleShape: [2, 3, 1] };
}

/** What a batch must hold: each value scaled in float64, then rounded once to float32. */
function expected(data: Dataset, rows: number[], scale: number): { images: number[]; labels: number[] } {
  return {
    images: rows.flatMap((row) => Array.from(data.images.subarray(row * 6, row * 6 + 6), (v) => Math.fround(v * scale))),
    labels: rows.map((row) => data.labels[row]!),
  };
}

describe('Batcher', () => {
  for (const scale of [1, 1 / 255, 0.1]) {
    it(`fills the rows of an order, scaled by ${scale.toPrecision(3)}, rounding each value once`, () => {
      const data = bytesDataset(10);
      const order = [7, 2, 9, 0, 4, 4, 1];
      const batch = new Batcher(data, scale).fill(order, 2, 4);
      const want = expected(data, [9, 0, 4, 4], scale);
      expect(Array.from(batch.images)).toEqual(want.images);
      expect(Array.from(batch.labels)).toEqual(want.labels);
    });
  }

  it('fills consecutive rows without an order, also from float32 images, and reuses its buffers per size', () => {
    const bytes = bytesDataset(10);
    const floats: Dataset = { ...bytes, images: Float32Array.from(bytes.images, (v) => v / 7) };
    const batcher = new Batcher(floats, 0.5);
    const first = batcher.fill(null, 3, 3);
    expect(Array.from(first.images)).toEqual(expected(floats, [3, 4, 5], 0.5).images);
    const again = batcher.fill(null, 6, 3);
    expect(again.images).toBe(first.images);
    expect(Array.from(again.images)).toEqual(expected(floats, [6, 7, 8], 0.5).images);
    // A shorter last batch gets buffers of its own size.
    const last = batcher.fill(null, 9, 1);
    expect(last.images).toHaveLength(6);
    expect(Array.from(last.labels)).toEqual([9]);
  });

  it('reads a sliced dataset from its own first row', () => {
    const data = bytesDataset(10);
    const tail = sliceDataset(data, 4, 10);
    expect(tail.count).toBe(6);
    const batch = new Batcher(tail, 1).fill([5, 0], 0, 2);
    expect(Array.from(batch.images)).toEqual(expected(data, [9, 4], 1).images);
  });
});
