import { Random } from '@lenet-ts/core';
import { createLeNet } from '@lenet-ts/lenet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend, type GpujsMode } from './index.js';

const BATCH = 32;
const STEPS = 100;

/** A fixed batch of raw-pixel images and labels, like the seed recipe feeds them. */
function batch(seed: number): { images: Float32Array; labels: Float32Array } {
  const random = new Random(seed);
  const images = Float32Array.from({ length: BATCH * 28 * 28 }, () => (random.next() < 0.5 ? 0 : Math.floor(random.next() * 256)));
  const labels = Float32Array.from({ length: BATCH }, () => Math.floor(random.next() * 10));
  return { images, labels };
}

/** Everything a leak would move: live handles and their bytes, GL textures and framebuffers, compiled kernels. */
function footprint(backend: GpujsBackend): Record<string, unknown> {
  return { ...backend.memory(), gl: backend.glObjects(), kernels: backend.compiledKernels() };
}

for (const mode of ['headlessgl', 'webasm', 'cpu'] as const satisfies readonly GpujsMode[]) {
  describe(`gpujs ${mode}: ${STEPS} LeNet training steps`, () => {
    let backend: GpujsBackend;
    beforeAll(async () => {
      backend = await createGpujsBackend({ mode });
    });
    afterAll(() => backend?.close());

    // Adam's moments are two more kernels' outputs fed back each step, the same pattern as SGD's velocity.
    for (const [optimizer, steps] of [
      ['sgd', STEPS],
      ['adam', 30],
    ] as const) {
      it(`keep live handles, device memory, GL textures and compiled kernels flat (${optimizer}, ${steps} steps)`, async () => {
        expect(backend.mode).toBe(mode);
        const model = createLeNet(backend, { seed: 7, optimizer });
        const { images, labels } = batch(11);
        const x = model.engine.upload(images, [BATCH, 28, 28, 1]);
        const y = model.engine.upload(labels, [BATCH]);
        const losses: number[] = [];
        const step = async (): Promise<void> => {
          const { loss, correct } = model.trainStep(x, y);
          losses.push((await loss.data())[0]!);
          const count = (await correct.data())[0]!;
          expect(Number.isInteger(count) && count >= 0 && count <= BATCH).toBe(true);
          loss.dispose();
          correct.dispose();
        };
        // Warm-up: the first step compiles every kernel; from the second on, each SGD kernel is fed its own
        // previous output and gpu.js keeps one clone of that input per kernel. Leaks are growth after that.
        await step();
        await step();
        const before = footprint(backend);
        for (let i = 0; i < steps; i++) await step();
        expect(footprint(backend)).toEqual(before);
        if (mode === 'headlessgl') expect(backend.glObjects()!.textures).toBeGreaterThan(0);
        expect(losses.every(Number.isFinite)).toBe(true);
        // The weights really move: a batch seen that often (SGD lr 0.9, Adam lr 0.001) is fitted better than at the start.
        expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
        x.dispose();
        y.dispose();
        model.dispose();
      });
    }
  });
}
