// The README's way to run the CLI, `pnpm --filter cli start ...`, run for real through pnpm: pnpm runs
// the script inside apps/cli, and the CLI must still read and write where the user ran pnpm.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './test-support/fixtures.js';
import type { CliResult } from './test-support/run-cli.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** `pnpm --dir <repo> --filter cli start ...args` run in `cwd`, as a user in that folder would. */
function pnpmStart(cwd: string, args: readonly string[]): Promise<CliResult> {
  const env = { ...process.env };
  // Inside `pnpm test` these name the test's own script; a user's shell has none of them.
  for (const key of Object.keys(env)) if (key === 'INIT_CWD' || key.startsWith('npm_')) delete env[key];
  const child = spawn('pnpm', ['--dir', repoRoot, '--filter', 'cli', 'start', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

afterAll(removeTempDirs);

/** The start script first builds the CLI and whatever it depends on that changed: minutes on a cold tree. */
const BUILD_AND_RUN_MS = 600_000;

describe('pnpm --filter cli start', () => {
  it(
    'saves and reads relative paths in the directory pnpm was run from, names them absolutely, and echoes no script line',
    async () => {
      const work = tempDir('lenet-pnpm-');
      const train = await pnpmStart(work, ['--preset', 'modern', '--limit', '640', '--epochs', '1', '--test-limit', '200', '--save', 'rel.lenet']);
      expect(train.stderr).toBe('');
      expect(train.code).toBe(0);
      expect(train.stdout.split('\n')[0]).toMatch(/^Backend: wasm:/);
      expect(train.stdout).toContain(`Saved the model to ${join(work, 'rel.lenet')}\n`);
      expect(existsSync(join(work, 'rel.lenet'))).toBe(true);

      const { source } = await loadFashionMnist();
      for (const file of readdirSync(source).filter((f) => f.startsWith('t10k-'))) copyFileSync(join(source, file), join(work, file));
      const images = readdirSync(work).find((f) => f.startsWith('t10k-images'))!;
      const predict = await pnpmStart(work, ['predict', '--model', 'rel.lenet', '--json', '--limit', '5', images]);
      expect(predict.stderr).toBe('');
      expect(predict.code).toBe(0);
      const document = JSON.parse(predict.stdout) as {
        model: string;
        predictions: { input: string; top: { class: number; name: string; probability: number }[] }[];
      };
      expect(document.model).toBe(join(work, 'rel.lenet'));
      expect(document.predictions.map((p) => p.input)).toEqual([0, 1, 2, 3, 4].map((i) => `${join(work, images)}#${i}`));
      expect(document.predictions[0]!.top[0]).toEqual({ class: expect.any(Number), name: expect.any(String), probability: expect.any(Number) });
    },
    BUILD_AND_RUN_MS,
  );

  it(
    'still shows the error of a failing command, without the script line',
    async () => {
      const result = await pnpmStart(tempDir('lenet-pnpm-'), ['evaluate', '--model', 'nowhere.lenet']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/^error: cannot read the model file \/.*nowhere\.lenet \(ENOENT/);
      expect(result.stderr).not.toMatch(/turbo run|\$ node/);
    },
    BUILD_AND_RUN_MS,
  );
});
