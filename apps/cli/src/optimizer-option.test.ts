import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, removeTempDirs, tempDir } from './test-support/fixtures.js';
import { runInProcess } from './test-support/run-cli.js';

afterAll(removeTempDirs);

/** Per-epoch training losses from Keras' progress lines. */
function epochLosses(stdout: string): number[] {
  return [...stdout.matchAll(/ - loss: (\d+\.\d+) - accuracy/g)].map((m) => Number(m[1]));
}

describe('--optimizer', () => {
  for (const [kind, name] of [
    ['adam', 'Adam'],
    ['rmsprop', 'RMSprop'],
  ] as const) {
    it(`${kind} trains the modern recipe (loss falls, test accuracy well above chance) and the header names it with Keras' default rate`, async () => {
      const result = await runInProcess([
        'train',
        '--backend',
        'cpu',
        '--preset',
        'modern',
        '--optimizer',
        kind,
        '--limit',
        '1280',
        '--epochs',
        '2',
        '--test-limit',
        '500',
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Preset: modern \\(.*\\); batch 64, ${name} lr 0\\.001, 2 epochs, seed 0$`, 'm'));
      const [first, second] = epochLosses(result.stdout);
      expect(second).toBeLessThan(first! * 0.8);
      const accuracy = Number(/test accuracy: (\d\.\d+)/.exec(result.stdout)?.[1]);
      expect(accuracy).toBeGreaterThan(0.4);
    });
  }

  it("defaults to the preset's SGD", async () => {
    const result = await runInProcess(['train', '--backend', 'cpu', '--preset', 'modern', '--limit', '640', '--epochs', '1', '--test-limit', '100']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/; batch 64, SGD lr 0\.05, 1 epoch, seed 0$/m);
  });

  it("--lr replaces the optimizer's default rate", async () => {
    const result = await runInProcess([
      'train',
      '--backend',
      'cpu',
      '--preset',
      'modern',
      '--optimizer',
      'adam',
      '--lr',
      '0.003',
      '--limit',
      '640',
      '--epochs',
      '1',
      '--test-limit',
      '100',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/; batch 64, Adam lr 0\.003, 1 epoch, seed 0$/m);
  });

  it('crosscheck --optimizer adam trains every backend with Adam and keeps wasm within tolerance of cpu', async () => {
    const json = join(tempDir(), 'crosscheck.json');
    const result = await runInProcess(['crosscheck', '--backends', 'cpu,wasm', '--optimizer', 'adam', '--steps', '3', '--json', json]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS: every backend within 0\.001 \(scaled error\) of cpu .* over 3 steps$/m);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ optimizer: 'Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7', steps: 3 });
  });

  it('refuses an unknown optimizer with one line naming the choices', async () => {
    expectOneLineError(
      await runInProcess(['train', '--optimizer', 'adagrad']),
      2,
      /option '--optimizer <name>' argument 'adagrad' is invalid\. Allowed choices are sgd, adam, rmsprop\.$/,
      { usage: true },
    );
  });
});
