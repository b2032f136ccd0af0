import { Batcher, type Dataset } from './dataset.js';
import type { Engine } from './engine.js';
import type { Tensor } from './tensor.js';

/** One batch of a pass over a dataset: rows [start, start + size) of the pass's row order. */
export interface BatchRange {
  readonly start: number;
  readonly size: number;
  /** 1-based, counted from the pass's first row, so a pass resumed mid-way keeps its step numbers. */
  readonly step: number;
}

/** The batches covering rows [from, count) in order; the last one may be partial. */
export function* batchRanges(count: number, batchSize: number, from = 0): Generator<BatchRange> {
  for (let start = from; start < count; start += batchSize) {
    yield { start, size: Math.min(batchSize, count - start), step: start / batchSize + 1 };
  }
}

/**
 * Uploads batches of one dataset, scaled like the model's inputs: images as [size, ...sampleShape],
 * labels as [size] class ids. Rows come from `order` (a shuffle) or, when it is null, in storage order.
 */
export class BatchUploader {
  private readonly batcher: Batcher;

  constructor(
    private readonly engine: Engine,
    private readonly data: Dataset,
    inputScale: number,
  ) {
    this.batcher = new Batcher(data, inputScale);
  }

  upload(order: ArrayLike<number> | null, range: BatchRange): { images: Tensor; labels: Tensor } {
    const batch = this.batcher.fill(order, range.start, range.size);
    return {
      images: this.engine.upload(batch.images, [range.size, ...this.data.sampleShape]),
      labels: this.engine.upload(batch.labels, [range.size]),
    };
  }

  /** The images only (prediction needs no labels). */
  uploadImages(range: BatchRange): Tensor {
    const batch = this.batcher.fill(null, range.start, range.size);
    return this.engine.upload(batch.images, [range.size, ...this.data.sampleShape]);
  }
}
