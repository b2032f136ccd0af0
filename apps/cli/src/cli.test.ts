import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './test-support/run-cli.js';

const run = (...argv: string[]) => runInProcess(argv);

describe('lenet CLI', () => {
  it("summary prints the eight layer shapes of the seed, then Keras's model.summary() table", async () => {
    const { code, stdout } = await run('summary');
    expect(code).toBe(0);
    const at = stdout.indexOf('\n\nModel: "sequential"');
    const [seed, table] = [stdout.slice(0, at), stdout.slice(at)];
    expect(table.trim().split('\n').filter(Boolean)).toEqual([
      'Model: "sequential"',
      '_'.repeat(69),
      ' Layer (type)                      Output Shape              Param #',
      '='.repeat(69),
      ' conv2d (Conv2D)                   (None, 24, 24, 6)         156',
      ' max_pooling2d (MaxPooling2D)      (None, 12, 12, 6)         0',
      ' conv2d_1 (Conv2D)                 (None, 8, 8, 16)          2,416',
      ' max_pooling2d_1 (MaxPooling2D)    (None, 4, 4, 16)          0',
      ' flatten (Flatten)                 (None, 256)               0',
      ' dense (Dense)                     (None, 120)               30,840',
      ' dense_1 (Dense)                   (None, 84)                10,164',
      ' dense_2 (Dense)                   (None, 10)                850',
      '='.repeat(69),
      // 5x5x1x6+6, 5x5x6x16+16, 256x120+120, 120x84+84, 84x10+10: this seed's LeNet has 28x28 inputs and
      // unpadded convolutions (flatten 256); the 61,706 of LeNet-5 comes from 32x32 inputs (flatten 400).
      'Total params: 44,426',
      'Trainable params: 44,426',
      'Non-trainable params: 0',
      '_'.repeat(69),
    ]);
    expect(seed.trim().split('\n')).toEqual([
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
    expect(stdout).toContain('Backend: wasm:');
    expect(stdout).toContain('Train on 5400 samples, validate on 600 samples');
    expect(stdout).toMatch(
      /Epoch 1\/1\n5400\/5400 \[=+\] - \d+s \d+(us|ms)\/sample - loss: [\d.]+ - accuracy: [\d.]+ - val_loss: [\d.]+ - val_accuracy: [\d.]+\n/,
    );
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
    [['--tf-runtime', 'wasm'], /--tf-runtime applies to --backend tfjs, not wasm/],
  ])('rejects %j with one line and exit code 2', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout).toBe(`${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
  });

  it('top-level --help says train is the default command and lists its options', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('With no command, lenet runs `train`. Its options (`lenet train --help`):');
    for (const option of ['--epochs <n>', '--limit <n>', '--test-limit <n>', '--save <file>', '--report <file>'])
      expect(stdout).toMatch(new RegExp(`\\n  ${option}\\s+\\S`));
  });

  it('explains a d2l --limit run that ends at chance and suggests --preset modern', async () => {
    const { code, stdout } = await run('--limit', '3200', '--epochs', '1', '--test-limit', '1000');
    expect(code).toBe(0);
    expect(stdout).toContain('1 epoch, seed 0');
    const accuracy = Number(/test accuracy: ([\d.]+)/.exec(stdout)![1]);
    expect(accuracy).toBeLessThan(0.15);
    expect(stdout).toContain(
      `Note: ${accuracy.toFixed(4)} is chance level. The d2l recipe stalls near 10% for its first ~15,000 training samples and this run trained on 2,880 (--limit 3200, 1 epoch); for quick runs pass --preset modern, or train on more rows\n`,
    );
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
