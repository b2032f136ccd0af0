import { createBackend } from '@lenet-ts/backends';
import { backendId, decodeModel, encodeModel, Engine, sliceDataset, type Backend, type Dataset, type Sequential } from '@lenet-ts/core';
import { fetchFashionMnist, type FetchedFashionMnist } from '@lenet-ts/core/data/browser';
import { createLeNet, presets } from '@lenet-ts/lenet';
import type { Misclassified, RunSettings, WorkerReport, WorkerRequest } from './protocol.js';

// The dedicated Worker that trains: the page's main thread only draws, so it never freezes.
const scope = self as unknown as {
  postMessage(message: WorkerReport, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
};
const post = (message: WorkerReport, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

/** Test images whose probabilities go back to the page, for checking against the CLI's `predict`. */
const PREDICTED_IMAGES = 20;
const MISCLASSIFIED_SHOWN = 24;

let data: Promise<FetchedFashionMnist> | null = null;
let current: { backend: Backend; model: Sequential; classNames: readonly string[] } | null = null;

function loadData(): Promise<FetchedFashionMnist> {
  data ??= fetchFashionMnist({ baseUrl: new URL('data/fashion-mnist/', self.location.href) });
  return data;
}

/** Keras lines go to the page whole; a partial line waits for its end. */
function lineOutput() {
  let pending = '';
  return {
    isTTY: false,
    write(text: string) {
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      for (const line of lines) post({ type: 'line', text: line });
      return true;
    },
  };
}

async function open(id: string): Promise<Backend> {
  current?.model.dispose();
  current?.backend.close?.();
  current = null;
  const backend = await createBackend(id, { assetBaseUrl: new URL('./', self.location.href).href });
  post({ type: 'backend', id: backendId(backend), description: backend.description });
  post({ type: 'line', text: `Backend: ${backendId(backend)} (${backend.description})` });
  return backend;
}

async function train(settings: RunSettings): Promise<void> {
  const preset = presets[settings.preset];
  if (!preset) throw new Error(`unknown preset "${settings.preset}"; choose one of: ${Object.keys(presets).join(', ')}`);
  const set = await loadData();
  const backend = await open(settings.backend);
  const trainSet = sliceDataset(set.train, 0, Math.min(settings.limit, set.train.count));
  const testSet = sliceDataset(set.test, 0, Math.min(settings.testLimit, set.test.count));
  const model = createLeNet(backend, { preset });
  current = { backend, model, classNames: set.classNames };
  post({
    type: 'line',
    text: `Preset: ${preset.name} (${preset.description}); batch ${preset.batchSize}, ${settings.epochs} epochs, ${trainSet.count} training images`,
  });
  let epochStart = performance.now();
  const history = await model.fit(trainSet, {
    epochs: settings.epochs,
    batchSize: preset.batchSize,
    validationSplit: preset.validationSplit,
    output: lineOutput(),
    // The epoch's clock starts before its first step: batch logs arrive in groups (one loss readback every few
    // steps), so a clock started at the first batch's log would see a whole group done in no time.
    onEpochBegin: () => {
      epochStart = performance.now();
    },
    onBatchEnd: (_batch, logs) => {
      post({ type: 'batch', logs, samplesPerSecond: logs.seen / Math.max((performance.now() - epochStart) / 1000, 1e-3) });
    },
    onEpochEnd: (logs) =>
      post({
        type: 'epoch',
        epoch: { loss: logs.loss, accuracy: logs.accuracy, valLoss: logs.valLoss ?? null, valAccuracy: logs.valAccuracy ?? null },
        samplesPerSecond: logs.samplesPerSecond,
      }),
  });
  const test = await model.evaluate(testSet, { batchSize: preset.batchSize, verbose: 1, output: lineOutput() });
  const bytes = await encodeModel(model, {
    metadata: {
      createdAt: new Date().toISOString(),
      backend: { name: backend.name, description: backend.description },
      preset: preset.name,
      epochs: settings.epochs,
      epochsDone: history.length,
      history,
      classNames: set.classNames,
      test: { loss: test.loss, accuracy: test.accuracy, count: test.count },
      trainedIn: 'the LeNet playground',
    },
  });
  await finish(model, testSet, set.classNames, { loss: test.loss, accuracy: test.accuracy }, bytes);
}

/** Confusion matrix, misclassified images and the first images' probabilities, then `done`. */
async function finish(
  model: Sequential,
  testSet: Dataset,
  classNames: readonly string[],
  test: { loss: number; accuracy: number },
  bytes: Uint8Array | null,
): Promise<void> {
  const probabilities = await model.predictProbabilities(testSet);
  const classes = classNames.length;
  const confusion = classNames.map(() => new Array<number>(classes).fill(0));
  const misclassified: Misclassified[] = [];
  const predictions: number[][] = [];
  for (let i = 0; i < testSet.count; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    let predicted = 0;
    for (let c = 1; c < classes; c++) if (row[c]! > row[predicted]!) predicted = c;
    const label = testSet.labels[i]!;
    confusion[label]![predicted]!++;
    if (predicted !== label && misclassified.length < MISCLASSIFIED_SHOWN) {
      misclassified.push({ index: i, label, predicted, pixels: Uint8Array.from(testSet.images.subarray(i * 784, (i + 1) * 784)) });
    }
    if (i < PREDICTED_IMAGES) predictions.push(Array.from(row));
  }
  const workerChunks = workerChunksOf(current?.backend);
  post({ type: 'done', test, confusion, misclassified, classNames, model: bytes, predictions, workerChunks }, bytes ? [bytes.buffer as ArrayBuffer] : []);
}

/** The chunks a threaded backend's workers ran (cpu and wasm count them), so a test sees the threads did work. */
function workerChunksOf(backend: Backend | undefined): number | null {
  const count = (backend as { workerChunks?: unknown } | undefined)?.workerChunks;
  return typeof count === 'number' ? count : null;
}

/** A `.lenet` written by the CLI (or this page): evaluated on the test images, then ready to predict. */
async function openModel(bytes: Uint8Array, name: string, backendChoice: string, testLimit: number): Promise<void> {
  const set = await loadData();
  const backend = await open(backendChoice);
  const loaded = decodeModel(new Engine(backend), bytes, name);
  const names = loaded.metadata.classNames;
  const classNames = Array.isArray(names) && names.length === 10 && names.every((n) => typeof n === 'string') ? names : set.classNames;
  current = { backend, model: loaded.model, classNames };
  post({ type: 'line', text: `Model: ${name} (${loaded.architecture.layers?.length ?? '?'} layers)` });
  const testSet = sliceDataset(set.test, 0, Math.min(testLimit, set.test.count));
  const test = await loaded.model.evaluate(testSet, { batchSize: 32, verbose: 1, output: lineOutput() });
  await finish(loaded.model, testSet, classNames, { loss: test.loss, accuracy: test.accuracy }, null);
}

async function predict(pixels: Float32Array): Promise<void> {
  if (!current) throw new Error('no model yet: train one or open a .lenet file first');
  const images = Uint8Array.from(pixels, (p) => Math.max(0, Math.min(255, Math.round(p))));
  const probabilities = await current.model.predictProbabilities({ images, count: 1, sampleShape: [28, 28, 1] });
  post({ type: 'predicted', probabilities: Array.from(probabilities), classNames: current.classNames });
}

scope.onmessage = (event) => {
  const request = event.data;
  const job =
    request.type === 'train'
      ? train(request.settings)
      : request.type === 'open-model'
        ? openModel(request.bytes, request.name, request.backend, request.testLimit)
        : predict(request.pixels);
  job.catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
