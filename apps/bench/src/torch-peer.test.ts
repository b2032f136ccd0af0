import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { describe, expect, it } from 'vitest';
import { UsageError } from './options.js';
import { TORCH_PEER } from './peer-target.js';
import type { ChildRequest } from './protocol.js';
import { launchFor, runChild } from './run-child.js';
import { findTorchPython, NO_TORCH, TORCH_PEER_SCRIPT, TORCH_PYTHON_CANDIDATES } from './torch-peer.js';

/** What this machine has, found independently of the code under test. */
const python3 = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const hasPython = python3.status === 0;
const imports = (python: string) => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const hasTorch = hasPython && imports('python3');
/** The first candidate that imports torch (python3 on PATH, then the system's), as discovery should find. */
const torchPython = TORCH_PYTHON_CANDIDATES.find(imports) ?? null;

const request: ChildRequest = {
  target: { backend: TORCH_PEER, mode: 'eager' },
  trainBatches: [32],
  inferBatches: [256],
  budget: { runSeconds: 0, runs: 1, warmupSteps: 1, minSteps: 1, maxSteps: 1 },
};

describe('torch-peer discovery', () => {
  it(`finds the first python3 that imports torch, if any (here: ${torchPython ?? 'none'})`, () => {
    const found = findTorchPython(null);
    if (torchPython) expect(found).toMatchObject({ found: true, python: torchPython, torch: expect.stringMatching(/^\d+\.\d+/) });
    else expect(found).toEqual({ found: false, reason: NO_TORCH });
    // Only the candidates given are tried.
    expect(findTorchPython(null, process.env, ['/nonexistent/python3'])).toEqual({ found: false, reason: NO_TORCH });
  });

  it('without python3 on PATH the row says "not run", which is no error', () => {
    expect(findTorchPython(null, { ...process.env, PATH: '/nonexistent' }, ['python3'])).toEqual({ found: false, reason: NO_TORCH });
    expect(NO_TORCH).toBe('not run: no python3 with torch (see BENCHMARKS.md for how to install)');
  });

  it('a --python that is missing or lacks torch is a one-line usage error naming the fix', () => {
    expect(() => findTorchPython('/nonexistent/python3')).toThrow(UsageError);
    expect(() => findTorchPython('/nonexistent/python3')).toThrow(
      /^--python \/nonexistent\/python3: no such command; install torch for it \(see BENCHMARKS.md\) or leave out --python$/,
    );
    if (hasPython && !hasTorch)
      expect(() => findTorchPython('python3')).toThrow(/^--python python3: .*cannot import torch: No module named 'torch'; install torch/);
  });

  it('a torch-peer that was not found is reported without starting anything', async () => {
    const result = await runChild(request, launchFor(request.target), 5);
    expect(result).toMatchObject({ target: request.target, available: false, description: NO_TORCH, measurements: [] });
  });
});

// Where python3 is missing, discovery's "not run" (above) is all there is to test; these say so and check it.
describe(`torch_peer.py with a real python3 (${hasPython ? python3.stdout.trim() : 'none here'})`, () => {
  it('compiles, and its own tests of the request, the IDX files and the timing pass', () => {
    if (!hasPython) return expect(findTorchPython(null)).toEqual({ found: false, reason: NO_TORCH });
    const compiled = spawnSync('python3', ['-m', 'py_compile', TORCH_PEER_SCRIPT], { encoding: 'utf8' });
    expect(compiled.status, compiled.stderr).toBe(0);
    const tests = spawnSync('python3', ['-m', 'unittest', '-v'], {
      cwd: dirname(TORCH_PEER_SCRIPT),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    console.log(tests.stderr);
    expect(tests.status, tests.stderr).toBe(0);
    expect(tests.stderr).toMatch(/^Ran [1-9]\d* tests/m);
  });

  it('answers the bench through the child protocol on the real data set', async () => {
    if (!hasPython) return expect(findTorchPython(null)).toEqual({ found: false, reason: NO_TORCH });
    const { source } = await loadFashionMnist();
    const result = await runChild({ ...request, dataDir: source }, { xvfb: false, python: 'python3' }, 600);
    expect(result.target).toEqual(request.target);
    if (hasTorch) {
      expect(result.available, result.description).toBe(true);
      expect(result.description).toMatch(/^PyTorch \S+ eager on the CPU, \d+ threads? /);
      expect(result.measurements.map((m) => `${m.task}:${m.batchSize}`)).toEqual(['train:32', 'infer:256']);
      expect(Number.isFinite(result.lastLoss)).toBe(true);
    } else {
      // The data files were read and checked first; then the missing torch is the answer, not a crash.
      expect(result.available).toBe(false);
      expect(result.description).toMatch(/cannot import torch: No module named 'torch'$/);
    }
    expect(result.peakRssMB).toBeGreaterThan(40);
  });

  it(`measures PyTorch for real where a python3 imports torch (here: ${torchPython ?? 'none'})`, async () => {
    if (!torchPython) return expect(findTorchPython(null)).toEqual({ found: false, reason: NO_TORCH });
    const { source } = await loadFashionMnist();
    const result = await runChild({ ...request, trainBatches: [32, 256], dataDir: source }, launchFor(request.target, findTorchPython(null)), 600);
    const oneThread = await runChild(
      { ...request, target: { backend: TORCH_PEER, mode: 'eager-1-thread' }, dataDir: source },
      launchFor(request.target, findTorchPython(null)),
      600,
    );
    expect(oneThread.description).toMatch(/^PyTorch \S+ eager on the CPU, 1 thread \(/);
    console.log(
      `torch-peer: ${result.description}; ${result.measurements.map((m) => `${m.task} b${m.batchSize} ${m.samplesPerSecond.toFixed(0)} samples/s`).join(', ')}; loss ${result.lastLoss}`,
    );
    expect(result.available, result.description).toBe(true);
    expect(result.description).toMatch(new RegExp(`^PyTorch \\S+ eager on the CPU, ${availableParallelism()} threads? \\(`));
    expect(result.measurements.map((m) => `${m.task}:${m.batchSize}`)).toEqual(['train:32', 'train:256', 'infer:256']);
    for (const m of result.measurements) {
      expect(m.samplesPerSecond).toBeGreaterThan(0);
      expect(m.samples % m.batchSize).toBe(0);
    }
    // The seed recipe's loss starts near log(10) (sigmoid outputs, TF2's normalised cross-entropy).
    expect(result.lastLoss).toBeGreaterThan(1);
    expect(result.lastLoss).toBeLessThan(4);
  });
});
