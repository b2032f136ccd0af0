import type { EpochLogs } from '@lenet-ts/core';
import { confusionMatrix } from './confusion-matrix.js';
import { escapeHtml } from './escape.js';
import { misclassifiedGrid, type GridImages } from './image-grid.js';
import { lineChart } from './line-chart.js';
import type { TestResults } from './test-results.js';

export interface ReportInput {
  readonly title: string;
  /** Facts about the run, shown as a definition list (backend, preset, seed, ...). */
  readonly facts: readonly (readonly [string, string])[];
  readonly history: readonly EpochLogs[];
  readonly test: { readonly loss: number; readonly accuracy: number };
  readonly results: TestResults;
  readonly classNames: readonly string[];
  readonly images: GridImages;
  /** How many misclassified images to show. */
  readonly maxMistakes?: number;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 8px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; font-size: 13px; }
dl.facts dt { color: #666; } dl.facts dd { margin: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
table.epochs { border-collapse: collapse; font-size: 13px; } table.epochs td, table.epochs th { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
.grid { display: flex; flex-wrap: wrap; gap: 10px; }
.mistake { margin: 0; width: 92px; text-align: center; font-size: 11px; }
.mistake img { image-rendering: pixelated; display: block; margin: 0 auto 2px; border: 1px solid #ccc; }
.mistake .predicted { color: #c0392b; } .mistake .index { color: #888; }
`;

/** A self-contained HTML page (inline CSS, SVG and PNG data URLs; no scripts, nothing fetched). */
export function renderReport(input: ReportInput): string {
  const { history, results, classNames } = input;
  const series = (pick: (h: EpochLogs) => number | undefined) => history.map((h) => pick(h) ?? Number.NaN);
  const lossChart = lineChart({
    title: 'Loss per epoch',
    series: [
      { name: 'train loss', color: '#1f77b4', values: series((h) => h.loss) },
      { name: 'validation loss', color: '#ff7f0e', values: series((h) => h.valLoss), dashed: true },
    ],
  });
  const accuracyChart = lineChart({
    title: 'Accuracy per epoch',
    yRange: [0, 1],
    series: [
      { name: 'train accuracy', color: '#1f77b4', values: series((h) => h.accuracy) },
      { name: 'validation accuracy', color: '#ff7f0e', values: series((h) => h.valAccuracy), dashed: true },
    ],
  });
  const rows = history
    .map(
      (h) =>
        `<tr><td>${h.epoch}</td><td>${h.loss.toFixed(4)}</td><td>${h.accuracy.toFixed(4)}</td><td>${fmt(h.valLoss)}</td><td>${fmt(h.valAccuracy)}</td></tr>`,
    )
    .join('');
  const shown = results.misclassified.slice(0, input.maxMistakes ?? 60);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<dl class="facts">${input.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
<h2>Training curves</h2>
<div class="charts" id="curves">${lossChart}${accuracyChart}</div>
<table class="epochs"><thead><tr><th>epoch</th><th>loss</th><th>accuracy</th><th>val_loss</th><th>val_accuracy</th></tr></thead><tbody>${rows}</tbody></table>
<h2 id="test">Test set: loss ${input.test.loss.toFixed(4)}, accuracy ${input.test.accuracy.toFixed(4)} (${results.correct} of ${results.count} right)</h2>
<div id="confusion">${confusionMatrix(results.confusion, classNames)}</div>
<h2 id="mistakes">Misclassified test images: the first ${shown.length} of ${results.misclassified.length}</h2>
${misclassifiedGrid(shown, input.images, classNames)}
</body>
</html>
`;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}
