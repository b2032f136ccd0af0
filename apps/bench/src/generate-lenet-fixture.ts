// `pnpm --filter @lenet-ts/bench fixture:generate [OUT]`: recomputes core's tfjs-layers fixture from its
// inputs (the committed seeded weights, training rows 0..31 of Fashion-MNIST) and writes it, by default over
// packages/core/src/testing/fixtures/lenet-step-tfjs-layers.json. lenet-fixture.test.ts checks that this
// reproduces the committed file, so a regenerated file differs from it only in float32 rounding.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { computeLenetFixture, type LenetFixtureJson } from './lenet-fixture.js';
import { COMMITTED_FIXTURE, fixtureInputs } from './lenet-fixture-file.js';

const out = process.argv[2] ?? COMMITTED_FIXTURE;
const committed = JSON.parse(readFileSync(COMMITTED_FIXTURE, 'utf8')) as LenetFixtureJson;
const { weights, images, labels } = await fixtureInputs(committed, await loadFashionMnist({ download: false }));
const fixture = await computeLenetFixture(weights, images, labels);
const temporary = `${out}.tmp-${process.pid}`;
writeFileSync(temporary, JSON.stringify(fixture));
renameSync(temporary, out);
console.log(`Wrote ${out}: loss ${fixture.loss}, accuracy ${fixture.accuracy} (tfjs-layers on tfjs-backend-cpu)`);
