import { loadFashionMnist } from '@lenet-ts/core/data';
import { d2l } from '@lenet-ts/lenet';
import { afterAll, describe, expect, it } from 'vitest';
import { backendId } from '@lenet-ts/core';
import { createBackend } from '../backends.js';
import { formatStepReport } from './format.js';
import { stepCrosscheck, type Participant } from './step-crosscheck.js';

/** Every backend and mode CI can run (headlessgl needs the X display that `xvfb-run` gives the test script). */
const SPECS = ['cpu', 'wasm', 'tfjs:wasm', 'tfjs:cpu', 'gpujs:headlessgl', 'gpujs:webasm', 'gpujs:cpu'];

describe('cross-backend conformance', async () => {
  const participants: Participant[] = [];
  for (const spec of SPECS) participants.push({ label: spec, backend: await createBackend(spec) });
  afterAll(() => participants.forEach((p) => p.backend.close?.()));

  it('runs each backend in the mode it was asked for (no silent fallback)', () => {
    for (const { label, backend } of participants.slice(1)) {
      // A name alone (`wasm`) runs its auto mode, which the id then names (`wasm:relaxed`).
      expect(label.includes(':') ? backendId(backend) : backend.name, label).toBe(label);
    }
  });

  it('keeps every backend within 1e-3 of backend-cpu, layer by layer, over 3 seed-recipe steps', async () => {
    const data = (await loadFashionMnist()).train;
    const report = await stepCrosscheck(participants, { preset: d2l, seed: 1, steps: 3, batchSize: 32, tolerance: 1e-3, data });
    console.log(formatStepReport(report));
    expect(report.backends.map((b) => [b.label, b.pass])).toEqual(SPECS.slice(1).map((s) => [s, true]));
  });
});
