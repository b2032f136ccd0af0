import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFashionMnist } from '@lenet-ts/core/data';
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
/** The first 300 test images and labels, read from the same place the run read them. */
let testImages: Uint8Array;
let testLabels: Uint8Array;
let classNames: readonly string[];

beforeAll(async () => {
  reportPath = join(tempDir(), 'report.html');
  const run = await runInProcess(['train', '--preset', 'modern', '--limit', '960', '--epochs', '3', '--test-limit', '300', '--report', reportPath]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain(`Wrote the report to ${reportPath}`);
  html = readFileSync(reportPath, 'utf8');
  dom = await dumpDom(reportPath);
  const data = await loadFashionMnist({ download: false });
  testImages = data.test.images.subarray(0, 300 * 784);
  testLabels = data.test.labels.subarray(0, 300);
  classNames = data.classNames;
});
afterAll(removeTempDirs);

/** Attribute values of every element matching `tag` with `attribute` in the DOM text. */
function attributes(text: string, tag: string, attribute: string): string[] {
  return [...text.matchAll(new RegExp(`<${tag}\\b[^>]*\\b${attribute}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

/**
 * Where in the screenshot `image` (side x side gray bytes) is drawn `scale` times larger with each pixel a
 * solid block, or undefined. Compares the centre of every block, within 2 levels (the compositor may round).
 */
function findUpscaled(shot: PNG, image: Uint8Array, side: number, scale: number): { x: number; y: number } | undefined {
  const size = side * scale;
  const near = (x: number, y: number, value: number) => {
    const o = 4 * (y * shot.width + x);
    return Math.abs(shot.data[o]! - value) <= 2 && Math.abs(shot.data[o + 1]! - value) <= 2 && Math.abs(shot.data[o + 2]! - value) <= 2;
  };
  // Probe the image's most distinctive pixel first (a blank border matches everywhere).
  let probe = 0;
  for (let p = 0; p < image.length; p++) if (Math.abs(image[p]! - 128) < Math.abs(image[probe]! - 128)) probe = p;
  const [py, px] = [Math.floor(probe / side), probe % side];
  for (let y = 0; y + size <= shot.height; y++) {
    for (let x = 0; x + size <= shot.width; x++) {
      if (!near(x + px * scale + 1, y + py * scale + 1, image[probe]!)) continue;
      let all = true;
      for (let p = 0; p < image.length && all; p++) all = near(x + (p % side) * scale + 1, y + Math.floor(p / side) * scale + 1, image[p]!);
      if (all) return { x, y };
    }
  }
  return undefined;
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
      ['train loss', 3],
      ['validation loss', 3],
      ['train accuracy', 3],
      ['validation accuracy', 3],
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

  it("each thumbnail is the test image its figure names, captioned with that image's true class", () => {
    const figures = [
      ...html.matchAll(
        /<figure class="mistake" data-index="(\d+)"><img src="data:image\/png;base64,([^"]+)"[^>]*><figcaption><span class="true">([^<]+)<\/span>/g,
      ),
    ];
    expect(figures.length).toBeGreaterThan(0);
    expect(figures).toHaveLength(attributes(html, 'figure', 'data-index').length);
    for (const [, index, base64, trueClass] of figures) {
      const png = PNG.sync.read(Buffer.from(base64!, 'base64'));
      expect([png.width, png.height]).toEqual([28, 28]);
      const i = Number(index);
      // pngjs decodes to RGBA; a grayscale PNG gives r = g = b = the stored byte.
      const gray = Uint8Array.from({ length: 784 }, (_, p) => png.data[4 * p]!);
      expect(gray).toEqual(Uint8Array.from(testImages.subarray(i * 784, (i + 1) * 784)));
      expect(trueClass).toBe(classNames[testLabels[i]!]);
    }
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
    // The first thumbnails are on screen, each drawn 3x (pixelated) from the very test image it names.
    const indices = attributes(html, 'figure', 'data-index').map(Number).slice(0, 3);
    expect(indices).toHaveLength(3);
    const found = indices.map((i) => findUpscaled(png, testImages.subarray(i * 784, (i + 1) * 784), 28, 3));
    expect(
      found.every((at) => at !== undefined),
      JSON.stringify(found),
    ).toBe(true);
    // In grid order: left to right along one row.
    expect(found[0]!.x).toBeLessThan(found[1]!.x);
    expect(found[1]!.x).toBeLessThan(found[2]!.x);
  });
});

describe('report parts', () => {
  it('tallies predictions by argmax into a confusion matrix and a list of mistakes', () => {
    const probabilities = Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.3, 0.4, 0.5, 0.5, 0);
    const results = tallyPredictions(probabilities, { labels: Uint8Array.of(0, 1, 2, 1), count: 4 }, 3);
    expect(results.confusion).toEqual([
      [1, 0, 0],
      [1, 0, 1],
      [0, 0, 1],
    ]);
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
