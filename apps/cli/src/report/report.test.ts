import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpDom, screenshot } from '../test-support/chromium.js';
import { removeTempDirs, tempDir } from '../test-support/fixtures.js';
import { runInProcess } from '../test-support/run-cli.js';
import { lineChart } from './line-chart.js';
import { tallyPredictions } from './test-results.js';

let reportPath: string;
let html: string;
let dom: string;

beforeAll(async () => {
  reportPath = join(tempDir(), 'report.html');
  const run = await runInProcess(['train', '--preset', 'modern', '--limit', '960', '--epochs', '3', '--test-limit', '300', '--report', reportPath]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Wrote the report to ${reportPath}`);
  html = readFileSync(reportPath, 'utf8');
  dom = await dumpDom(reportPath);
});
afterAll(removeTempDirs);

/** Attribute values of every element matching `tag` with `attribute` in the DOM text. */
function attributes(text: string, tag: string, attribute: string): string[] {
  return [...text.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${attribute}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('train --report', () => {
  it('writes a self-contained page: no scripts, no stylesheets or images from anywhere else', () => {
    expect(html).not.toMatch(/<script|<link|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(?!data:image\/png;base64,)/);
    expect(attributes(html, 'img', 'src').every((src) => src.startsWith('data:image/png;base64,'))).toBe(true);
  });

  it('draws loss and accuracy per epoch for training and validation', () => {
    expect(attributes(dom, 'svg', 'aria-label').slice(0, 2)).toEqual(['Loss per epoch', 'Accuracy per epoch']);
    const series = [...dom.matchAll(/<g data-series="([^"]+)">(.*?)<\/g>/g)].map((m) => [m[1], (m[2]!.match(/<circle/g) ?? []).length]);
    expect(series).toEqual([
      ['train loss', 3], ['validation loss', 3], ['train accuracy', 3], ['validation accuracy', 3],
    ]);
    expect(dom.match(/<polyline/g)).toHaveLength(4);
  });

  it('shows the test confusion matrix, whose diagonal is the accuracy it states', () => {
    const counts = attributes(dom, 'rect', 'data-count').map(Number);
    expect(counts).toHaveLength(100);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    const diagonal = counts.filter((_, i) => i % 11 === 0).reduce((a, b) => a + b, 0);
    const [, accuracy, right] = /Test set: loss [\d.]+, accuracy ([\d.]+) \((\d+) of 300 right\)/.exec(dom)!;
    expect(diagonal).toBe(Number(right));
    expect(Number(accuracy)).toBeCloseTo(diagonal / 300, 4);
  });

  it('shows misclassified test images with their true and predicted classes', () => {
    const right = Number(/\((\d+) of 300 right\)/.exec(dom)![1]);
    const figures = attributes(dom, 'figure', 'data-index');
    expect(figures).toHaveLength(Math.min(60, 300 - right));
    expect(dom).toMatch(new RegExp(`the first ${figures.length} of ${300 - right}`));
    expect(dom).toMatch(/<figcaption><span class="true">[^<]+<\/span> → <span class="predicted">[^<]+<\/span> \d+%/);
  });

  it('renders in headless Chromium: the screenshot holds both curve colours and the grayscale images', async () => {
    const shot = await screenshot(reportPath, 1200, 1800);
    const png = PNG.sync.read(readFileSync(shot));
    let blue = 0;
    let orange = 0;
    let gray = 0;
    let ink = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      if (Math.abs(r - 31) < 25 && Math.abs(g - 119) < 25 && Math.abs(b - 180) < 25) blue++;
      if (Math.abs(r - 255) < 25 && Math.abs(g - 127) < 25 && Math.abs(b - 14) < 25) orange++;
      if (r === g && g === b && r < 200) gray++;
      if (r + g + b < 3 * 240) ink++;
    }
    expect(blue).toBeGreaterThan(300); // train curves
    expect(orange).toBeGreaterThan(300); // validation curves
    expect(gray).toBeGreaterThan(20_000); // the 28x28 images, drawn 84x84 each
    expect(ink / (png.width * png.height)).toBeGreaterThan(0.05);
  });
});

describe('report parts', () => {
  it('tallies predictions by argmax into a confusion matrix and a list of mistakes', () => {
    const probabilities = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4, 0.5, 0.5, 0);
    const results = tallyPredictions(probabilities, { labels: Uint8Array.of(0, 1, 2, 1), count: 4 }, 3);
    expect(results.confusion).toEqual([[1, 0, 0], [1, 0, 1], [0, 0, 1]]);
    expect(results.correct).toBe(2);
    expect(results.misclassified).toEqual([
      { index: 1, label: 1, predicted: 2, probability: expect.closeTo(0.8, 6) },
      { index: 3, label: 1, predicted: 0, probability: expect.closeTo(0.5, 6) },
    ]);
  });

  it('leaves gaps for missing values and draws one marker per epoch', () => {
    const svg = lineChart({ title: 'x', series: [{ name: 'a', color: '#123456', values: [1, Number.NaN, 3] }] });
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('aria-label="x"');
  });
});
