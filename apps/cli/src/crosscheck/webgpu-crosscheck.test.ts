import { loadFashionMnist } from '@lenet-ts/core/data';
import { backendId } from '@lenet-ts/core';
import { d2l } from '@lenet-ts/lenet';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../backends.js';
import { formatStepReport } from './format.js';
import { stepCrosscheck, type Participant } from './step-crosscheck.js';

/**
 * WebGPU through Dawn (Mesa's llvmpipe in CI, no GPU), in a file of its own: one process cannot hold both
 * Dawn's EGL context and headless-gl's GLX one (all-backends.test.ts has headlessgl).
 */
const SPECS = ['cpu', 'gpujs:webgpu', 'tfjs:webgpu'];

describe('cross-backend conformance on WebGPU', async () => {
  const participants: Participant[] = [];
  for (const spec of SPECS) participants.push({ label: spec, backend: await createBackend(spec) });
  afterAll(() => participants.forEach((p) => p.backend.close?.()));

  it('runs each in the mode it was asked for, on a named adapter', () => {
    for (const { label, backend } of participants.slice(1)) {
      expect(backendId(backend), label).toBe(label);
      expect(backend.description, label).toMatch(/^on .+\[(software|hardware)/);
    }
  });

  it('keeps WebGPU within 1e-3 of backend-cpu, layer by layer, over 3 seed-recipe steps', async () => {
    const data = (await loadFashionMnist()).train;
    const report = await stepCrosscheck(participants, { preset: d2l, seed: 1, steps: 3, batchSize: 32, tolerance: 1e-3, data });
    console.log(formatStepReport(report));
    expect(report.backends.map((b) => [b.label, b.pass])).toEqual(SPECS.slice(1).map((s) => [s, true]));
  });
});
