// Signals and closed pipes on the real CLI process: SIGTERM and SIGHUP act as Ctrl-C does, a signal after
// training still lets the model be written, and a reader that goes away (`| head`) ends the run quietly.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeModelFile } from '@lenet-ts/core';
import { encodeIdx } from '@lenet-ts/core/data';
import { afterAll, describe, expect, it } from 'vitest';
import { listDir, modelFileBytes, removeTempDirs, tempDir } from './test-support/fixtures.js';
import { spawnCli, waitForOutput } from './test-support/run-cli.js';

afterAll(removeTempDirs);

const RUN = ['train', '--backend', 'cpu', '--limit', '1000', '--epochs', '2'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const STACK = /\n\s+at .+:\d+/;

/** The last epoch's checkpoint is on disk: training is over and the final evaluation (seconds) runs. */
async function evaluationStarted(child: ReturnType<typeof spawnCli>, checkpoint: string): Promise<void> {
  await waitForOutput(child, 'val_accuracy');
  while (!existsSync(checkpoint)) await sleep(10);
  await sleep(200);
}

describe('SIGTERM and SIGHUP', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s finishes the step, saves a checkpoint and exits %i with the resume hint', async (signal, code) => {
    const dir = tempDir();
    const checkpoint = join(dir, 'run.ckpt');
    const child = spawnCli([...RUN, '--test-limit', '100', '--checkpoint', checkpoint]);
    await waitForOutput(child, 'Epoch 1/2');
    await sleep(300);
    child.kill(signal);
    const result = await child.result;
    expect(result.code, result.stderr).toBe(code);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe(`interrupt: ${signal}: stopping after the current step (send ${signal} again to quit without saving)`);
    expect(lines[1]).toMatch(
      new RegExp(
        `^interrupted: ${signal}: stopped at (epoch \\d, sample \\d+ of 900|the end of epoch \\d); checkpoint saved to ${checkpoint}; continue with --resume ${checkpoint}$`,
      ),
    );
    expect(lines).toHaveLength(2);
    expect(listDir(dir)).toEqual(['run.ckpt']);
    expect(decodeModelFile(readFileSync(checkpoint), checkpoint).header.kind).toBe('checkpoint');
  });
});

describe('a signal during the final evaluation (10000 test images, seconds long)', () => {
  it('lets the evaluation finish and the model be written, then exits 143 saying what was written', async () => {
    const dir = tempDir();
    const model = join(dir, 'm.lenet');
    const child = spawnCli(['train', '--backend', 'cpu', '--limit', '640', '--epochs', '1', '--save', model]);
    await evaluationStarted(child, `${model}.ckpt`);
    child.kill('SIGTERM');
    const result = await child.result;
    expect(result.code, result.stderr).toBe(143);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      'interrupt: SIGTERM: finishing the final evaluation and writing the outputs (send SIGTERM again to quit at once)',
      `interrupted: SIGTERM: came after training had finished; the evaluation ran to its end and the model ${model} was written`,
    ]);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(`Saved the model to ${model}`);
    expect(decodeModelFile(readFileSync(model), model).header.kind).toBe('model');
    expect(listDir(dir)).toEqual(['m.lenet', 'm.lenet.ckpt']);
  });

  it('a second signal quits at once and names what is kept', async () => {
    const dir = tempDir();
    const child = spawnCli(['train', '--backend', 'cpu', '--limit', '640', '--epochs', '1', '--save', join(dir, 'm.lenet')]);
    await evaluationStarted(child, join(dir, 'm.lenet.ckpt'));
    child.kill('SIGINT');
    await sleep(200);
    child.kill('SIGINT');
    const result = await child.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trim().split('\n')).toEqual([
      'interrupt: finishing the final evaluation and writing the outputs (press Ctrl-C again to quit at once)',
      `interrupted: quit at once; kept: the checkpoint ${join(dir, 'm.lenet.ckpt')} (after epoch 1)`,
    ]);
    expect(listDir(dir)).toEqual(['m.lenet.ckpt']);
  });
});

describe('a closed stdout (`| head -1`)', () => {
  it('train stops after the step, keeps its checkpoint and exits 141 with one line, no stack trace', async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'run.ckpt');
    const child = spawnCli([...RUN, '--checkpoint', checkpoint]);
    await waitForOutput(child, 'Backend:');
    child.stdout!.destroy(); // as head does after its line
    const result = await child.result;
    expect(result.code, result.stderr).toBe(141);
    expect(result.stderr).not.toMatch(STACK);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^interrupted: stdout was closed: stopped at (epoch \\d, sample \\d+ of 900|the end of epoch \\d); checkpoint saved to ${checkpoint}; continue with --resume ${checkpoint}$`,
        ),
      ),
    ]);
    expect(listDir(dir)).toEqual(['run.ckpt']);
  });

  it('predict over many images ends quietly with exit 0 when its reader is gone before the first line', async () => {
    const dir = tempDir();
    const model = join(dir, 'm.lenet');
    writeFileSync(model, await modelFileBytes());
    const images = join(dir, 'many-idx3-ubyte');
    writeFileSync(images, encodeIdx([2000, 28, 28], new Uint8Array(2000 * 784).fill(7)));
    const child = spawnCli(['predict', '--model', model, images]);
    child.stdout!.destroy();
    const result = await child.result;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
