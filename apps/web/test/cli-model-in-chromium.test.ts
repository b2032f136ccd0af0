import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encodeIdx, loadFashionMnist } from '@lenet-ts/core/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LenetRun } from '../src/page/protocol.js';
import type { PlaygroundServer } from '../src/server/server.js';
import { launchChromium, waitForStatus, type Chromium } from './browser.js';
import { servePlayground } from './playground-server.js';

const CLI = join(dirname(createRequire(import.meta.url).resolve('@lenet-ts/cli/package.json')), 'dist', 'main.js');
/** The page reports the probabilities of the first 20 test images (train-worker.ts). */
const IMAGES = 20;

describe('a .lenet trained by the CLI, opened in the page', () => {
  let served: PlaygroundServer;
  let chromium: Chromium;
  let dir: string;
  beforeAll(async () => {
    [served, chromium] = await Promise.all([servePlayground(), launchChromium()]);
    dir = mkdtempSync(join(tmpdir(), 'lenet-web-cli-'));
  });
  afterAll(async () => {
    await chromium?.close();
    await served?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the CLI's predictions and test accuracy", async () => {
    const model = join(dir, 'cli.lenet');
    const trained = execFileSync(
      process.execPath,
      [CLI, 'train', '--backend', 'cpu', '--preset', 'modern', '--limit', '640', '--epochs', '1', '--test-limit', '200', '--save', model],
      { encoding: 'utf8' },
    );
    const cliAccuracy = Number(
      /accuracy: (\d\.\d{4})\s*$/m.exec(
        trained
          .trim()
          .split('\n')
          .filter((l) => l.includes('200/200'))
          .pop() ?? '',
      )?.[1],
    );
    // The first 20 test images as one IDX file, for `lenet predict`.
    const data = await loadFashionMnist();
    const images = join(dir, 'first.idx');
    writeFileSync(images, encodeIdx([IMAGES, 28, 28], data.test.images.subarray(0, IMAGES * 784)));
    const predicted = execFileSync(process.execPath, [CLI, 'predict', '--backend', 'cpu', '-m', model, '--top', '10', images], { encoding: 'utf8' });
    const cli = predicted
      .split('\n')
      .filter((line) => line.startsWith(`${images}#`))
      .map((line) =>
        Object.fromEntries(
          line
            .slice(line.indexOf(': ') + 2)
            .split(', ')
            .map((item) => [item.slice(0, item.lastIndexOf(' ')), Number(item.slice(item.lastIndexOf(' ') + 1))]),
        ),
      );
    expect(cli).toHaveLength(IMAGES);

    const page = await chromium.newPage();
    try {
      await page.goto(new URL('?backend=cpu&testLimit=200', served.url).href);
      await page.setInputFiles('#open-model', model);
      const status = await waitForStatus(page, 60_000);
      const run = (await page.evaluate(() => window.lenetRun)) as LenetRun;
      expect(run.error).toBeNull();
      expect(status).toBe('done');
      const probabilities = (await page.evaluate(() => window.lenetPredictions)) as number[][];
      const names = data.classNames;
      expect(probabilities).toHaveLength(IMAGES);
      for (let i = 0; i < IMAGES; i++) {
        for (let c = 0; c < names.length; c++) {
          // The CLI prints 4 decimals.
          expect(Math.abs(probabilities[i]![c]! - cli[i]![names[c]!]!), `image ${i}, ${names[c]}`).toBeLessThanOrEqual(5e-5 + 1e-7);
        }
      }
      expect(run.test!.accuracy).toBeCloseTo(cliAccuracy, 4);
    } finally {
      await page.close();
    }
  }, 180_000);
});
