// "A model saved on one backend loads on every other and predicts the same classes" (README, model files),
// for a model trained on EACH installed backend, not only on cpu: training writes what the backend holds
// (its layout, its rounding), and every other backend must read it back as the same network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { providers } from '@lenet-ts/backends';
import { decodeModelFile, Engine, sliceDataset } from '@lenet-ts/core';
import { loadFashionMnist, type FashionMnist } from '@lenet-ts/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from './backends.js';
import { loadModel } from './model-io.js';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

const IMAGES = 100;
const names = providers.map((p) => p.name);
const models = new Map<string, string>();
let data: FashionMnist;

beforeAll(async () => {
  const dir = tempDir();
  data = await loadFashionMnist({ download: false });
  for (const name of names) {
    const path = join(dir, `${name}.lenet`);
    const run = await runInProcess(['train', '--backend', name, '--preset', 'modern', '--limit', '320', '--epochs', '1', '--test-limit', '32', '--save', path]);
    expect(run.code, `${name}: ${run.stderr}`).toBe(0);
    models.set(name, path);
  }
}, 600_000);
afterAll(removeTempDirs);

/** Class probabilities for the first test images, from the model file at `path`, on backend `name`. */
async function predict(path: string, name: string): Promise<Float32Array> {
  const backend = await createBackend(name);
  const { model } = loadModel(new Engine(backend), path);
  try {
    return await model.predictProbabilities(sliceDataset(data.test, 0, IMAGES));
  } finally {
    model.dispose();
    backend.close?.();
  }
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

describe('a model trained on each backend', () => {
  it('covers every installed backend, each file saying which trained it', () => {
    expect(names).toHaveLength(4);
    for (const name of names) {
      const path = models.get(name)!;
      const metadata = decodeModelFile(readFileSync(path), path).header.metadata as { backend: { name: string } };
      expect(metadata.backend.name).toBe(name);
    }
  });

  describe.each(names)('trained on %s', (trainer) => {
    it.each(names.filter((n) => n !== trainer))(`loads on %s and predicts what it predicts on ${trainer}`, async (loader) => {
      const path = models.get(trainer)!;
      const own = await predict(path, trainer);
      const other = await predict(path, loader);
      expect(own).toHaveLength(IMAGES * 10);
      expect(other).toHaveLength(IMAGES * 10);
      let worst = 0;
      for (let i = 0; i < own.length; i++) worst = Math.max(worst, Math.abs(other[i]! - own[i]!));
      // Float32 backends that sum in different orders: 1e-4 in a probability, as for the cpu-trained model.
      expect(worst).toBeLessThan(1e-4);
      let compared = 0;
      for (let n = 0; n < IMAGES; n++) {
        const row = own.subarray(n * 10, n * 10 + 10);
        const sorted = [...row].sort((a, b) => b - a);
        // A near-tie may fall either way in float32; everything else must agree exactly.
        if (sorted[0]! - sorted[1]! <= 1e-4) continue;
        compared++;
        expect(argmax(other.subarray(n * 10, n * 10 + 10)), `image ${n}`).toBe(argmax(row));
      }
      expect(compared).toBeGreaterThan(IMAGES * 0.9);
    });
  });
});
