// Where core's tfjs-layers fixture lives in the repository, and the inputs it is regenerated from.
import { fileURLToPath } from 'node:url';
import type { FashionMnist } from '@lenet-ts/core/data';
import { FIXTURE_ROWS, type FixtureWeights, type LenetFixtureJson } from './lenet-fixture.js';

export const COMMITTED_FIXTURE = fileURLToPath(new URL('../../../packages/core/src/testing/fixtures/lenet-step-tfjs-layers.json', import.meta.url));

/** The step's inputs: the committed seeded weights, and the training rows read from the data set itself. */
export async function fixtureInputs(
  committed: Pick<LenetFixtureJson, 'weights'>,
  data: FashionMnist,
): Promise<{ weights: FixtureWeights; images: Uint8Array; labels: Uint8Array }> {
  const [first, last] = FIXTURE_ROWS;
  return {
    weights: committed.weights,
    images: data.train.images.slice(first * 784, (last + 1) * 784),
    labels: data.train.labels.slice(first, last + 1),
  };
}
