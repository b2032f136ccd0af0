import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { decodeModelFile, Engine, Random } from '@lenet-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modern } from '@lenet-ts/lenet';
import { DivergedWeightsError, encodeCheckpoint, readCheckpoint, type RunSettings } from './checkpoint.js';
import { checkpointBytes, expectOneLineError, lenet, listDir, removeTempDirs, tempDir } from './test-support/fixtures.js';
import { runInProcess, spawnCli, waitForOutput } from './test-support/run-cli.js';

/** A short modern-preset run: momentum and the decaying learning rate both carry state across a resume. */
const RUN = ['train', '--backend', 'cpu', '--preset', 'modern', '--limit', '1000', '--epochs', '2', '--test-limit', '100'];
let reference: { weights: Float32Array[]; history: { loss: number; accuracy: number }[] };

/** Weights and per-epoch metrics of a saved model. */
function readModel(path: string): typeof reference {
  const { header, tensors } = decodeModelFile(readFileSync(path), path);
  const history = (header.metadata as { history: { loss: number; accuracy: number }[] }).history.map(({ loss, accuracy }) => ({ loss, accuracy }));
  return { weights: [...tensors.values()].map((t) => t.values as Float32Array), history };
}

beforeAll(async () => {
  const path = join(tempDir(), 'uninterrupted.lenet');
  const run = await runInProcess([...RUN, '--save', path]);
  expect(run.code, run.stderr).toBe(0);
  reference = readModel(path);
});
afterAll(removeTempDirs);

describe('checkpoints', () => {
  it('are written after every epoch; --resume continues the run to the very weights of an uninterrupted one', async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'run.ckpt');
    const first = await runInProcess([...RUN, '--epochs', '1', '--checkpoint', checkpoint]);
    expect(first.code, first.stderr).toBe(0);
    expect(listDir(dir)).toEqual(['run.ckpt']);
    const { header } = decodeModelFile(readFileSync(checkpoint), checkpoint);
    expect(header.kind).toBe('checkpoint');
    expect((header.training as { state: { epoch: number; offset: number } }).state).toMatchObject({ epoch: 2, offset: 0 });

    const resumed = await runInProcess([
      'train',
      '--backend',
      'cpu',
      '--resume',
      checkpoint,
      '--epochs',
      '2',
      '--test-limit',
      '100',
      '--save',
      join(dir, 'resumed.lenet'),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Resuming from ${checkpoint}: epoch 2/2, 0 samples into it, 1 epoch done`);
    expect(resumed.stdout).not.toContain('Epoch 1/2');
    const model = readModel(join(dir, 'resumed.lenet'));
    expect(model.history).toEqual(reference.history);
    expect(model.weights).toEqual(reference.weights);
    // The resumed run went on checkpointing into the file it resumed from.
    expect((decodeModelFile(readFileSync(checkpoint), checkpoint).header.training as { state: { epoch: number } }).state.epoch).toBe(3);
    expect(listDir(dir)).toEqual(['resumed.lenet', 'run.ckpt']);
  });

  it('Ctrl-C in a real process finishes the step, saves a checkpoint and exits 130; --resume then ends where an uninterrupted run ends', async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'run.ckpt');
    const child = spawnCli([...RUN, '--checkpoint', checkpoint, '--save', join(dir, 'model.lenet')]);
    await waitForOutput(child, 'Epoch 1/2');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const result = await child.result;
    expect(result.code, result.stderr).toBe(130);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('interrupt: stopping after the current step (press Ctrl-C again to quit without saving)');
    expect(lines[1]).toMatch(
      new RegExp(
        `^interrupted: stopped at (epoch \\d, sample \\d+ of 900|the end of epoch \\d); checkpoint saved to ${checkpoint}; continue with --resume ${checkpoint}$`,
      ),
    );
    expect(lines).toHaveLength(2);
    expect(result.stdout).not.toMatch(/Test loss/);
    // No model (the run did not finish) and no half-written file.
    expect(listDir(dir)).toEqual(['run.ckpt']);

    const state = (decodeModelFile(readFileSync(checkpoint), checkpoint).header.training as { state: { epoch: number; offset: number } }).state;
    // Either inside epoch 1 or at an epoch's end (a slow step may let the epoch finish): the state says the same.
    const [, epoch, sample, endOf] = /stopped at (?:epoch (\d), sample (\d+) of|the end of epoch (\d))/.exec(lines[1]!)!;
    expect(state).toMatchObject(endOf === undefined ? { epoch: Number(epoch), offset: Number(sample) } : { epoch: Number(endOf) + 1, offset: 0 });

    const resumed = await runInProcess(['train', '--backend', 'cpu', '--resume', checkpoint, '--test-limit', '100', '--save', join(dir, 'model.lenet')]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const model = readModel(join(dir, 'model.lenet'));
    expect(model.history).toEqual(reference.history);
    expect(model.weights).toEqual(reference.weights);
  });

  it('restore the weights, velocities, step count, settings and fit state they hold', async () => {
    const path = join(tempDir(), 'made.ckpt');
    const saved = lenet();
    saved.optimizer.iterations = 5; // five updates done before the checkpoint
    writeFileSync(
      path,
      await checkpointBytes({ preset: 'modern', momentum: 0.9, nesterov: true, learningRate: 0.05, decay: { steps: 10, rate: 0.5 } }, 1, saved),
    );
    const checkpoint = readCheckpoint(new Engine(createCpuBackend()), path, 0.01);
    expect(checkpoint.settings).toMatchObject({ preset: 'modern', learningRate: 0.01, momentum: 0.9, rows: 100 });
    expect(checkpoint.state).toMatchObject({ epoch: 2, offset: 0, random: new Random(0).getState() });
    expect(checkpoint.state.order).toHaveLength(90);
    // --lr replaces the initial rate; the schedule goes on decaying it by the saved step count.
    expect(checkpoint.model.optimizer.iterations).toBe(5);
    expect(checkpoint.model.optimizer.learningRate).toBeCloseTo(0.01 * 0.5 ** (5 / 10), 12);
    expect((await checkpoint.model.getWeights())[0]).toEqual((await lenet().getWeights())[0]);
  });

  it('are refused when the weights are no longer finite (a diverged run must not overwrite the last good one)', async () => {
    const model = lenet();
    const weights = await model.getWeights();
    weights[4]![7] = Number.NaN;
    model.setWeights(weights);
    const state = { epoch: 2, offset: 0, order: new Uint32Array(90), random: new Random(0).getState(), lossSum: 0, correctSum: 0, history: [] };
    const settings = {
      preset: 'd2l',
      seed: 0,
      batchSize: 32,
      optimizer: 'sgd' as const,
      learningRate: 0.9,
      decay: null,
      momentum: 0,
      nesterov: false,
      epochs: 2,
      limit: 100,
      validationSplit: 0.1,
      rows: 100,
    };
    await expect(encodeCheckpoint(model, settings, state, {})).rejects.toThrow(DivergedWeightsError);
    await expect(encodeCheckpoint(model, settings, state, {})).rejects.toThrow(/weights of dense\/kernel became NaN or infinite/);
  });
});

describe('checkpoints of Adam and RMSprop runs', () => {
  const ADAM = ['train', '--backend', 'cpu', '--preset', 'modern', '--optimizer', 'adam', '--limit', '1000', '--epochs', '2', '--test-limit', '100'];

  it('hold m, v and the step count; --resume continues an Adam run to the very weights of an uninterrupted one', async () => {
    const dir = tempDir();
    const straight = await runInProcess([...ADAM, '--save', join(dir, 'straight.lenet')]);
    expect(straight.code, straight.stderr).toBe(0);
    const checkpoint = join(dir, 'adam.ckpt');
    const first = await runInProcess([...ADAM, '--epochs', '1', '--checkpoint', checkpoint]);
    expect(first.code, first.stderr).toBe(0);
    const { header, tensors } = decodeModelFile(readFileSync(checkpoint), checkpoint);
    // One epoch of 900 rows (1000 less the 10% validation split) in batches of 64 is ceil(900 / 64) = 15 updates.
    expect(header.training).toMatchObject({ settings: { optimizer: 'adam', learningRate: 0.001 }, optimizer: { kind: 'adam', iterations: 15 } });
    expect([...tensors.keys()].filter((name) => name.startsWith('optimizer/')).sort()).toEqual(
      lenet()
        .params()
        .flatMap((p) => [`optimizer/m/${p.name}`, `optimizer/v/${p.name}`])
        .sort(),
    );

    const resumed = await runInProcess([
      'train',
      '--backend',
      'cpu',
      '--resume',
      checkpoint,
      '--epochs',
      '2',
      '--test-limit',
      '100',
      '--save',
      join(dir, 'resumed.lenet'),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Adam lr 0.001');
    const model = readModel(join(dir, 'resumed.lenet'));
    const expected = readModel(join(dir, 'straight.lenet'));
    expect(model.history).toEqual(expected.history);
    expect(model.weights).toEqual(expected.weights);
  });

  it('refuse an --optimizer that differs from the run being resumed', async () => {
    const path = join(tempDir(), 'sgd.ckpt');
    writeFileSync(path, await checkpointBytes());
    expectOneLineError(
      await runInProcess(['train', '--backend', 'cpu', '--resume', path, '--optimizer', 'rmsprop']),
      2,
      /--optimizer rmsprop differs from sgd in .*sgd\.ckpt; leave --optimizer out to resume/,
      { usage: true },
    );
  });

  it('written before --optimizer existed (no optimizer setting) still load, as SGD with their velocities', async () => {
    const model = lenet(modern);
    // Settings as written before --optimizer: no optimizer field.
    const old = {
      preset: 'modern',
      seed: 0,
      batchSize: 32,
      learningRate: 0.05,
      decay: null,
      momentum: 0.9,
      nesterov: true,
      epochs: 2,
      limit: 100,
      validationSplit: 0.1,
      rows: 100,
    } as unknown as RunSettings;
    // One step creates the velocities that an SGD checkpoint has always held under optimizer/velocity/<param>.
    const images = model.engine.upload(new Float32Array(32 * 784).fill(0.5), [32, 28, 28, 1]);
    const labels = model.engine.upload(new Float32Array(32), [32]);
    model.trainStep(images, labels);
    const state = {
      epoch: 2,
      offset: 0,
      order: Uint32Array.from({ length: 90 }, (_, i) => i),
      random: new Random(0).getState(),
      lossSum: 0,
      correctSum: 0,
      history: [],
    };
    const path = join(tempDir(), 'old.ckpt');
    writeFileSync(path, await encodeCheckpoint(model, old, state, {}));
    const { tensors } = decodeModelFile(readFileSync(path), path);
    expect([...tensors.keys()].filter((name) => name.startsWith('optimizer/'))).toEqual(model.params().map((p) => `optimizer/velocity/${p.name}`));
    const checkpoint = readCheckpoint(new Engine(createCpuBackend()), path);
    expect(checkpoint.settings.optimizer).toBe('sgd');
    expect(checkpoint.model.optimizer.describe()).toBe('SGD lr 0.05, momentum 0.9 (Nesterov)');
    const velocity = checkpoint.model.optimizer.slots().get('velocity')!;
    expect(velocity.size).toBe(model.params().length);
    expect(await [...velocity.values()][0]!.data()).toEqual(await [...model.optimizer.slots().get('velocity')!.values()][0]!.data());
  });
});

describe('divergence', () => {
  it('a NaN loss (modern preset, --lr 1000) stops training with one line and exit 1, writing no model and no checkpoint', async () => {
    const dir = tempDir();
    const result = await runInProcess([
      'train',
      '--backend',
      'cpu',
      '--preset',
      'modern',
      '--lr',
      '1000',
      '--limit',
      '640',
      '--epochs',
      '1',
      '--save',
      join(dir, 'm.lenet'),
    ]);
    expectOneLineError(
      result,
      1,
      /^error: loss became (NaN|-?Infinity) at epoch 1, step \d+: training diverged; lower --lr or change the preset; no checkpoint was written$/,
    );
    expect(listDir(dir)).toEqual([]);
  });

  it("after a good epoch keeps that epoch's checkpoint unchanged and says how to go on from it", async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'good.ckpt');
    const good = await runInProcess([
      'train',
      '--backend',
      'cpu',
      '--preset',
      'modern',
      '--limit',
      '640',
      '--epochs',
      '1',
      '--test-limit',
      '50',
      '--checkpoint',
      checkpoint,
    ]);
    expect(good.code, good.stderr).toBe(0);
    const before = readFileSync(checkpoint);

    const diverged = await runInProcess(['train', '--backend', 'cpu', '--resume', checkpoint, '--epochs', '3', '--lr', '1000', '--save', join(dir, 'm.lenet')]);
    expectOneLineError(
      diverged,
      1,
      new RegExp(
        `loss became (NaN|-?Infinity) at epoch 2, step \\d+: training diverged; lower --lr or change the preset; ${checkpoint} is unchanged: continue with --resume ${checkpoint} --lr <smaller>$`,
      ),
    );
    expect(readFileSync(checkpoint).equals(before)).toBe(true);
    expect(listDir(dir)).toEqual(['good.ckpt']);
  });
});
