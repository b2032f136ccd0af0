import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGpujsBackend, type GpujsBackend } from './index.js';

// Kernels cannot throw, so a label that is not a class id must at least make the loss non-finite.
for (const mode of ['headlessgl', 'webasm', 'cpu'] as const) {
  describe(`gpujs ${mode} loss with a bad label`, () => {
    let backend: GpujsBackend;
    beforeAll(async () => {
      backend = await createGpujsBackend({ mode });
    });
    afterAll(() => backend?.close());

    for (const [label, what] of [
      [10, 'past the last class'],
      [-1, 'negative'],
      [2.5, 'not an integer'],
    ] as const) {
      it(`gives an infinite loss for a label ${what} (${label})`, async () => {
        const input = backend.upload(new Float32Array(20).fill(0.5));
        const labels = backend.upload(Float32Array.of(3, label));
        const kinds = ['sparse-categorical-crossentropy', 'softmax-cross-entropy'] as const;
        for (const kind of kinds) {
          const result = backend.loss(input, labels, { kind, batch: 2, classes: 10, epsilon: 1e-7 });
          expect((await backend.read(result.loss))[0], kind).toBe(Infinity);
          for (const h of [result.loss, result.correct, result.gradient]) backend.dispose(h);
        }
        backend.dispose(input);
        backend.dispose(labels);
        expect(backend.memory().handles).toBe(0);
      });
    }
  });
}
