import { installedBackendIds } from '@lenet-ts/backends';
import { presets } from '@lenet-ts/lenet';
import { LossChart } from './chart.js';
import { DrawingPad } from './drawing-pad.js';
import type { LenetRun, Misclassified, RunSettings, WorkerReport, WorkerRequest } from './protocol.js';

declare global {
  interface Window {
    lenetRun?: LenetRun;
    /** The first test images' class probabilities after a run or an opened model. */
    lenetPredictions?: number[][];
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = {
  backend: $<HTMLSelectElement>('backend'),
  preset: $<HTMLSelectElement>('preset'),
  epochs: $<HTMLInputElement>('epochs'),
  limit: $<HTMLInputElement>('limit'),
  testLimit: $<HTMLInputElement>('testLimit'),
};
const status = $<HTMLParagraphElement>('status');
const log = $<HTMLPreElement>('log');
const speed = $<HTMLSpanElement>('speed');
const trainButton = $<HTMLButtonElement>('train');
const download = $<HTMLAnchorElement>('download');
const chart = new LossChart($<HTMLCanvasElement>('chart'));
const pad = new DrawingPad($<HTMLCanvasElement>('pad'), (pixels) => request({ type: 'predict', pixels }));

// Every installed backend id, from the registry: the page names none itself.
for (const id of installedBackendIds()) form.backend.add(new Option(id, id));
for (const name of Object.keys(presets)) form.preset.add(new Option(`${name}: ${presets[name]!.description}`, name));
form.preset.value = 'modern' in presets ? 'modern' : Object.keys(presets)[0]!;

const query = new URLSearchParams(location.search);
for (const key of ['backend', 'preset', 'epochs', 'limit', 'testLimit'] as const) {
  const value = query.get(key);
  if (value === null) continue;
  if (form[key] instanceof HTMLSelectElement && ![...form[key].options].some((o) => o.value === value)) form[key].add(new Option(value, value));
  form[key].value = value;
}

let worker: Worker | null = null;
let run: LenetRun = emptyRun();
let busy = false;

function emptyRun(): LenetRun {
  return { backend: null, epochs: [], test: null, samplesPerSecond: null, workerChunks: null, error: null };
}

function request(message: WorkerRequest, transfer: Transferable[] = []): void {
  worker ??= startWorker();
  worker.postMessage(message, transfer);
}

function startWorker(): Worker {
  const started = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module', name: 'lenet-training' });
  started.onmessage = (event: MessageEvent<WorkerReport>) => onReport(event.data);
  started.onerror = (event) => fail(event.message || 'the training Worker failed to start');
  return started;
}

function settings(): RunSettings {
  const int = (input: HTMLInputElement, what: string) => {
    const value = Number(input.value);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got "${input.value}"`);
    return value;
  };
  return {
    backend: form.backend.value,
    preset: form.preset.value,
    epochs: int(form.epochs, 'epochs'),
    limit: int(form.limit, 'limit'),
    testLimit: int(form.testLimit, 'testLimit'),
  };
}

function begin(text: string): void {
  busy = true;
  trainButton.disabled = true;
  run = emptyRun();
  window.lenetRun = undefined;
  delete document.body.dataset.lenetStatus;
  log.textContent = '';
  chart.reset();
  status.textContent = text;
}

function train(): void {
  if (busy) return;
  let chosen: RunSettings;
  try {
    chosen = settings();
  } catch (error) {
    fail((error as Error).message);
    return;
  }
  begin(`Training on ${chosen.backend}...`);
  request({ type: 'train', settings: chosen });
}

async function openModel(file: File): Promise<void> {
  if (busy) return;
  begin(`Opening ${file.name}...`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  request({ type: 'open-model', bytes, name: file.name, backend: form.backend.value, testLimit: Number(form.testLimit.value) || 1000 }, [bytes.buffer]);
}

function onReport(report: WorkerReport): void {
  switch (report.type) {
    case 'line':
      log.textContent += `${report.text}\n`;
      log.scrollTop = log.scrollHeight;
      break;
    case 'backend':
      run.backend = { id: report.id, description: report.description };
      break;
    case 'batch':
      chart.add(report.logs);
      speed.textContent = `epoch ${report.logs.epoch}, ${report.logs.seen}/${report.logs.total} - ${report.samplesPerSecond.toFixed(0)} samples/s`;
      break;
    case 'epoch':
      run.epochs.push(report.epoch);
      run.samplesPerSecond = report.samplesPerSecond;
      chart.endEpoch();
      break;
    case 'done':
      run.test = report.test;
      run.workerChunks = report.workerChunks;
      showConfusion(report.confusion, report.classNames);
      showMisclassified(report.misclassified, report.classNames);
      if (report.model) {
        if (download.href) URL.revokeObjectURL(download.href);
        download.href = URL.createObjectURL(new Blob([report.model as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
        download.hidden = false;
      }
      window.lenetPredictions = report.predictions;
      end('done', `Test loss ${report.test.loss.toFixed(4)}, accuracy ${report.test.accuracy.toFixed(4)}. Draw something to classify it.`);
      break;
    case 'predicted':
      showProbabilities(report.probabilities, report.classNames);
      break;
    case 'error':
      if (busy) fail(report.message);
      else status.textContent = report.message;
      break;
  }
}

function end(outcome: 'done' | 'error', text: string): void {
  busy = false;
  trainButton.disabled = false;
  status.textContent = text;
  window.lenetRun = JSON.parse(JSON.stringify(run)) as LenetRun;
  document.body.dataset.lenetStatus = outcome;
}

function fail(message: string): void {
  run.error = message;
  log.textContent += `error: ${message}\n`;
  end('error', `Error: ${message}`);
}

function showConfusion(matrix: number[][], classNames: readonly string[]): void {
  const max = Math.max(1, ...matrix.flat());
  const head = `<tr><th></th>${classNames.map((_, c) => `<th title="predicted ${classNames[c]}">${c}</th>`).join('')}</tr>`;
  const rows = matrix.map(
    (row, label) =>
      `<tr><th title="${classNames[label]}">${classNames[label]!.slice(0, 7)}</th>${row
        .map((n) => `<td style="background: rgba(29, 53, 87, ${(n / max).toFixed(3)}); color: ${n / max > 0.5 ? '#fff' : '#222'}">${n}</td>`)
        .join('')}</tr>`,
  );
  $('confusion').innerHTML = `<table>${head}${rows.join('')}</table><p>rows: true class, columns: predicted</p>`;
}

function showMisclassified(items: readonly Misclassified[], classNames: readonly string[]): void {
  const box = $('misclassified');
  box.replaceChildren();
  for (const item of items) {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = 28;
    canvas.height = 28;
    const image = new ImageData(28, 28);
    item.pixels.forEach((p, i) => image.data.set([p, p, p, 255], i * 4));
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    const caption = document.createElement('figcaption');
    caption.textContent = `${classNames[item.predicted]} (is ${classNames[item.label]})`;
    figure.append(canvas, caption);
    box.append(figure);
  }
}

function showProbabilities(probabilities: readonly number[], classNames: readonly string[]): void {
  const ranked = probabilities.map((p, c) => ({ p, c })).sort((a, b) => b.p - a.p);
  $('probabilities').innerHTML = ranked
    .map(({ p, c }) => `<li>${classNames[c]} ${p.toFixed(3)}<span style="width: ${Math.round(p * 120)}px"></span></li>`)
    .join('');
}

trainButton.addEventListener('click', train);
$<HTMLButtonElement>('clear').addEventListener('click', () => pad.clear());
$<HTMLInputElement>('open-model').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void openModel(file);
});
$<HTMLInputElement>('upload').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void pad.load(file);
});
if (query.get('autostart') === '1') train();
