import { describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { createReferenceBackend } from '../testing/reference-backend.js';
import { StepReadback } from './step-readback.js';

/** A real backend whose `read` calls are counted. */
function countingReads(): { engine: Engine; reads: () => number } {
  const backend = createReferenceBackend();
  let reads = 0;
  const read = backend.read.bind(backend);
  backend.read = (handle) => {
    reads++;
    return read(handle);
  };
  return { engine: new Engine(backend), reads: () => reads };
}

const scalar = (engine: Engine, value: number) => engine.upload(Float32Array.of(value), []);

describe('StepReadback', () => {
  it('reads the steps of each full group with one read, bit-identical to the values recorded', async () => {
    const { engine, reads } = countingReads();
    const readback = new StepReadback(engine, 3);
    const losses = [2.3025851, 1e-30, 3.4e38, 0.1, 7].map(Math.fround);
    const got = [];
    for (const [i, loss] of losses.entries()) {
      const now = await readback.record(i + 1, 4, scalar(engine, loss), scalar(engine, i));
      expect(now.length).toBe(i === 2 ? 3 : 0);
      got.push(...now);
    }
    expect(reads()).toBe(1);
    got.push(...(await readback.flush()));
    expect(reads()).toBe(2);
    expect(got).toEqual(losses.map((loss, i) => ({ step: i + 1, size: 4, loss, correct: i })));
    expect(await readback.flush()).toEqual([]);
    readback.dispose();
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
  });

  it("names each step's own value when one is NaN, although a NaN spreads over the gathered vector", async () => {
    const { engine } = countingReads();
    const readback = new StepReadback(engine, 4);
    for (const [i, loss] of [0.5, Number.NaN, Number.POSITIVE_INFINITY].entries()) await readback.record(i + 1, 2, scalar(engine, loss), scalar(engine, 1));
    expect((await readback.flush()).map((s) => [s.step, s.loss, s.correct])).toEqual([
      [1, 0.5, 1],
      [2, Number.NaN, 1],
      [3, Number.POSITIVE_INFINITY, 1],
    ]);
    readback.dispose();
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
  });

  it('frees what is still waiting on dispose', async () => {
    const { engine } = countingReads();
    const readback = new StepReadback(engine, 4);
    await readback.record(1, 2, scalar(engine, 1), scalar(engine, 2));
    readback.dispose();
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
  });

  it('refuses a group size that is not a positive integer', () => {
    expect(() => new StepReadback(new Engine(createReferenceBackend()), 0)).toThrow(/stepsPerRead must be a positive integer, got 0/);
  });
});
