import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageRoot, '..', '..', 'README.md'), 'utf8');

/** The README's `// file: keras-loop.mjs` block, exactly as a reader copies it. */
function kerasLoop(): string {
  const block = [...readme.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]!).find((code) => code.startsWith('// file: keras-loop.mjs\n'));
  if (!block) throw new Error('README.md has no ```js block starting with // file: keras-loop.mjs');
  return block;
}

describe("the README's Keras loop (Sequential, compile with Adam, fit with validationData and callbacks, evaluate)", () => {
  it('runs as written on real Fashion-MNIST and learns', () => {
    // Inside this package, so that its imports resolve to the workspace's built packages as an installed app's would.
    const dir = mkdtempSync(join(packageRoot, '.readme-example-'));
    try {
      writeFileSync(join(dir, 'keras-loop.mjs'), kerasLoop());
      const run = spawnSync(process.execPath, [join(dir, 'keras-loop.mjs')], { encoding: 'utf8', timeout: 240_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('Total params: 44,426');
      const epochs = [...run.stdout.matchAll(/^epoch (\d): loss (\S+) - accuracy (\S+) - val_loss (\S+) - val_accuracy (\S+)$/gm)];
      expect(epochs.map((m) => Number(m[1]))).toEqual([1, 2]);
      expect(Number(epochs[1]![2])).toBeLessThan(Number(epochs[0]![2]));
      // 4096 rows in batches of 64, two epochs: onBatchEnd ran for every step.
      const result = /^(\d+) batches; test loss (\S+) - test accuracy (\S+)$/m.exec(run.stdout);
      expect(Number(result?.[1])).toBe(128);
      expect(Number(result?.[3])).toBeGreaterThan(0.6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
