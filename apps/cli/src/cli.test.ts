import { describe, expect, it } from 'vitest';
import { runInProcess } from './test-support/run-cli.js';

const run = (...argv: string[]) => runInProcess(argv);

describe('lenet CLI', () => {
  it('summary prints the eight layer shapes of the seed', async () => {
    const { code, stdout } = await run('summary');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      'conv2d output shape\t (1, 24, 24, 6)',
      'max_pooling2d output shape\t (1, 12, 12, 6)',
      'conv2d_1 output shape\t (1, 8, 8, 16)',
      'max_pooling2d_1 output shape\t (1, 4, 4, 16)',
      'flatten output shape\t (1, 256)',
      'dense output shape\t (1, 120)',
      'dense_1 output shape\t (1, 84)',
      'dense_2 output shape\t (1, 10)',
    ]);
  });

  it('trains on real Fashion-MNIST rows and prints Keras-style progress and the test result', async () => {
    const { code, stdout, stderr } = await run('--limit', '6000', '--epochs', '1', '--batch-size', '32', '--preset', 'modern');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Backend: cpu (');
    expect(stdout).toContain('Train on 5400 samples, validate on 600 samples');
    expect(stdout).toMatch(/Epoch 1\/1\n5400\/5400 \[=+\] - \d+s \d+(us|ms)\/sample - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+\n/);
    expect(stdout).toMatch(/10000\/10000 - \d+s - loss: [\d.]+ - accuracy: [\d.]+/);
    const accuracy = Number(/test accuracy: ([\d.]+)/.exec(stdout)![1]);
    expect(accuracy).toBeGreaterThan(0.5);
  });

  it.each([
    [['--epochs', 'abc'], /--epochs.*'abc' is invalid\. must be a positive integer/],
    [['--epochs', '0'], /positive integer/],
    [['--batch-size', '0'], /--batch-size.*positive integer/],
    [['--lr', '-0.1'], /--lr.*positive number/],
    [['--limit', '1.5'], /--limit.*positive integer/],
    [['--backend', 'quantum'], /--backend.*'quantum' is invalid\. Allowed choices are/],
    [['--preset', 'fancy'], /--preset.*'fancy' is invalid/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--tf-runtime', 'wasm'], /--tf-runtime applies to --backend tfjs, not cpu/],
  ])('rejects %j with one line and exit code 2', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('--help lists the options and exits 0', async () => {
    const { code, stdout } = await run('train', '--help');
    expect(code).toBe(0);
    for (const option of ['--backend', '--preset', '--epochs', '--batch-size', '--lr', '--seed', '--limit', '--data-dir']) {
      expect(stdout).toContain(option);
    }
  });

  it('reports a data directory without Fashion-MNIST in one line with exit code 1', async () => {
    const { code, stderr } = await run('--data-dir', '/nonexistent/fashion', '--epochs', '1');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^error: .*\/nonexistent\/fashion/);
  });
});
