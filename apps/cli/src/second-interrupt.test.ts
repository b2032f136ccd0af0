// A second Ctrl-C during training quits at once without saving, says what is kept and leaves no
// half-written file (README: "a second signal quits at once, naming what is kept"). Steps of batch 2048 on
// the cpu backend take seconds here, so both signals land inside one step.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listDir, removeTempDirs, tempDir } from './test-support/fixtures.js';
import { spawnCli, waitForOutput } from './test-support/run-cli.js';

afterAll(removeTempDirs);

const SLOW_STEPS = ['train', '--backend', 'cpu', '--batch-size', '2048', '--limit', '2400', '--epochs', '3', '--test-limit', '100'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FIRST = 'interrupt: stopping after the current step (press Ctrl-C again to quit without saving)';

describe('a second Ctrl-C during training', () => {
  it('before any checkpoint: quits at once with exit 130, saying nothing was saved, and leaves no file', async () => {
    const dir = tempDir();
    const child = spawnCli([...SLOW_STEPS, '--checkpoint', join(dir, 'run.ckpt'), '--save', join(dir, 'm.lenet')]);
    await waitForOutput(child, 'Epoch 1/3');
    await sleep(200);
    child.kill('SIGINT');
    await sleep(100);
    child.kill('SIGINT');
    const result = await child.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trim().split('\n')).toEqual([FIRST, 'interrupted: quit at once; nothing was saved']);
    expect(result.stdout).not.toContain('Epoch 2/3');
    expect(listDir(dir)).toEqual([]);
  });

  it("after an epoch's checkpoint: quits at once naming that checkpoint, which is left as it was", async () => {
    const dir = tempDir();
    const checkpoint = join(dir, 'run.ckpt');
    const child = spawnCli([...SLOW_STEPS, '--checkpoint', checkpoint]);
    await waitForOutput(child, 'Epoch 2/3');
    while (!existsSync(checkpoint)) await sleep(10);
    await sleep(200);
    const before = readFileSync(checkpoint);
    child.kill('SIGINT');
    await sleep(100);
    child.kill('SIGINT');
    const result = await child.result;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr.trim().split('\n')).toEqual([FIRST, `interrupted: quit at once; kept: the checkpoint ${checkpoint} (after epoch 1)`]);
    expect(result.stdout).not.toContain('Epoch 3/3');
    expect(listDir(dir)).toEqual(['run.ckpt']);
    expect(readFileSync(checkpoint).equals(before)).toBe(true);
  });
});
