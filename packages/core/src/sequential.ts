import { BatchUploader, batchRanges } from './batches.js';
import type { Dataset } from './dataset.js';
import type { Engine } from './engine.js';
import type { Layer, Param } from './layers/layer.js';
import { lossInfo, type Loss } from './losses.js';
import { formatModelSummary } from './model-summary.js';
import * as ops from './ops.js';
import type { Optimizer } from './optimizer.js';
import { consoleLines } from './output-stream.js';
import { formatEvaluateLine, KerasProgbar } from './progress.js';
import { Random } from './random.js';
import type { Tensor } from './tensor.js';
import { fitEpochs } from './training/epoch-loop.js';
import type { EvaluateOptions, FitOptions } from './training/fit-options.js';
import type { EpochLogs, EvaluateResult } from './training/logs.js';
import { RunningTotals } from './training/running-totals.js';
import { StepReadback, type StepValues } from './training/step-readback.js';

/** Rows to predict: a Dataset without labels. */
export type PredictInput = Pick<Dataset, 'images' | 'count' | 'sampleShape'>;

export interface SequentialOptions {
  /** Per-sample input shape, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Multiplies raw inputs while batching (1 for the d2l recipe's raw pixels, 1/255 to scale to [0,1]). */
  readonly inputScale?: number;
}

export interface CompileOptions {
  readonly loss: Loss;
  /** SGD, Adam or RMSprop. */
  readonly optimizer: Optimizer;
}

/** One weight of a layer, by name (`conv2d/kernel`), with its full shape. */
export interface LayerWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** What `trainOnBatch` reports: the batch's loss and accuracy before the update (as Keras' train_on_batch). */
export interface TrainOnBatchResult {
  readonly loss: number;
  readonly accuracy: number;
}

/** A linear stack of layers with Keras' compile/fit/evaluate/predict, running on any backend. */
export class Sequential {
  readonly inputScale: number;
  private built = false;
  private compiled: CompileOptions | null = null;

  constructor(
    readonly engine: Engine,
    readonly layers: readonly Layer[],
    readonly options: SequentialOptions,
  ) {
    this.inputScale = options.inputScale ?? 1;
  }

  /** Names the layers Keras-style and creates their weights from `seed`. */
  build(seed: number): this {
    const random = new Random(seed);
    const counts = new Map<string, number>();
    let shape = this.options.inputShape;
    for (const layer of this.layers) {
      const n = counts.get(layer.baseName) ?? 0;
      counts.set(layer.baseName, n + 1);
      layer.name = n === 0 ? layer.baseName : `${layer.baseName}_${n}`;
      layer.inputShape = shape;
      shape = layer.build(shape, { engine: this.engine, random });
      layer.outputShape = shape;
    }
    this.built = true;
    return this;
  }

  compile(options: CompileOptions): this {
    this.compiled = options;
    return this;
  }

  /** The loss and optimizer given to `compile`, or null before it. */
  get compileOptions(): CompileOptions | null {
    return this.compiled;
  }

  get loss(): Loss {
    return this.assertCompiled().loss;
  }

  get optimizer(): Optimizer {
    return this.assertCompiled().optimizer;
  }

  get outputShape(): readonly number[] {
    return this.layers[this.layers.length - 1]!.outputShape;
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /** Current weights in `params()` order (Keras `get_weights`): kernels HWIO / [in, out], then biases. */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.params().map((p) => p.value.data()));
  }

  /** Replaces every weight (Keras `set_weights`); shapes must match `params()` order exactly. */
  setWeights(weights: readonly Float32Array[]): void {
    const params = this.params();
    if (weights.length !== params.length) throw new Error(`expected ${params.length} weight arrays, got ${weights.length}`);
    params.forEach((p, i) => {
      if (weights[i]!.length !== p.value.size) {
        throw new Error(`${p.name} holds ${p.value.size} values [${p.value.shape.join(',')}], got ${weights[i]!.length}`);
      }
    });
    params.forEach((p, i) => p.value.replaceHandle(this.engine.backend.upload(weights[i]!)));
  }

  /** The weights of the layer named `layerName` (Keras `get_layer(name).get_weights()`), with names and shapes. */
  async getLayerWeights(layerName: string): Promise<LayerWeight[]> {
    const layer = this.layerNamed(layerName);
    return Promise.all(layer.params().map(async (p) => ({ name: p.name, shape: p.value.shape, values: await p.value.data() })));
  }

  /**
   * Replaces the weights of the layer named `layerName` (Keras `get_layer(name).set_weights()`). Each
   * weight must have exactly the shape of the one it replaces: a transposed kernel is refused, not loaded.
   */
  setLayerWeights(layerName: string, weights: readonly { readonly shape: readonly number[]; readonly values: Float32Array }[]): void {
    const layer = this.layerNamed(layerName);
    const params = layer.params();
    if (weights.length !== params.length)
      throw new Error(`layer ${layerName} has ${params.length} weights (${params.map((p) => p.name).join(', ')}), got ${weights.length}`);
    params.forEach((p, i) => {
      const { shape, values } = weights[i]!;
      if (shape.join() !== p.value.shape.join())
        throw new Error(`${p.name} has shape [${p.value.shape.join(', ')}], got [${shape.join(', ')}]; pass a weight of the same shape`);
      if (values.length !== p.value.size) throw new Error(`${p.name} holds ${p.value.size} values [${p.value.shape.join(', ')}], got ${values.length}`);
    });
    params.forEach((p, i) => p.value.replaceHandle(this.engine.backend.upload(weights[i]!.values)));
  }

  /** Keras `model.summary()`: the layer table with output shapes and parameter counts, as lines. */
  summary(): string[] {
    this.assertBuilt();
    return formatModelSummary(this.layers);
  }

  /**
   * Keras `train_on_batch`: one optimization step on these rows (all of `data`, in order), returning the
   * batch's loss and accuracy before the update.
   */
  async trainOnBatch(data: Dataset): Promise<TrainOnBatchResult> {
    this.assertCompiled();
    this.assertInput(data);
    const batches = new BatchUploader(this.engine, data, this.inputScale);
    const { images, labels } = batches.upload(null, { start: 0, size: data.count, step: 1 });
    const step = this.trainStep(images, labels);
    images.dispose();
    labels.dispose();
    const [loss, correct] = await Promise.all([step.loss.data(), step.correct.data()]);
    step.loss.dispose();
    step.correct.dispose();
    return { loss: loss[0]!, accuracy: correct[0]! / data.count };
  }

  /**
   * The gradient of the batch's mean loss with respect to every weight, for these rows (all of `data`),
   * without updating anything: for inspection (Keras: `tape.gradient(loss, model.trainable_weights)`).
   */
  async computeGradients(data: Dataset): Promise<LayerWeight[]> {
    const { loss } = this.assertCompiled();
    this.assertInput(data);
    const params = this.params();
    const batches = new BatchUploader(this.engine, data, this.inputScale);
    const grads = this.engine.scope(() => {
      const { images, labels } = batches.upload(null, { start: 0, size: data.count, step: 1 });
      const outputs = this.forward(images, true);
      this.backward(ops.loss(this.engine, outputs, labels, lossInfo(loss, data.count, outputs.shape[1]!)).gradient);
      return params.map((p) => p.grad!);
    });
    try {
      return await Promise.all(params.map(async (p, i) => ({ name: p.name, shape: p.value.shape, values: await grads[i]!.data() })));
    } finally {
      for (const g of grads) g.dispose();
      for (const p of params) p.grad = null;
    }
  }

  /** Forward pass; returns the output and, if asked, every layer's output (for summaries and cross-checks). */
  forward(x: Tensor, training: boolean, trace?: Tensor[]): Tensor {
    this.assertBuilt();
    let y = x;
    for (const layer of this.layers) {
      y = layer.forward(y, training);
      trace?.push(y);
    }
    return y;
  }

  /** Backpropagates dL/dy through every layer, filling parameter gradients. */
  backward(dy: Tensor): void {
    let grad: Tensor | null = dy;
    for (let i = this.layers.length - 1; i >= 0 && grad; i--) grad = this.layers[i]!.backward(grad, i > 0);
  }

  /**
   * One optimization step on an uploaded batch: forward, fused loss, backward, the optimizer's update. Returns the
   * pre-update batch loss and correct count as 1-element tensors the caller reads and disposes.
   */
  trainStep(images: Tensor, labels: Tensor): { loss: Tensor; correct: Tensor } {
    const { loss, optimizer } = this.assertCompiled();
    const batch = images.shape[0]!;
    return this.engine.scope(() => {
      const outputs = this.forward(images, true);
      const r = ops.loss(this.engine, outputs, labels, lossInfo(loss, batch, outputs.shape[1]!));
      this.backward(r.gradient);
      optimizer.apply(this.engine, this.params());
      return { loss: r.loss, correct: r.correct };
    });
  }

  /** Keras `fit` (see training/epoch-loop.ts). */
  async fit(data: Dataset, options: FitOptions = {}): Promise<EpochLogs[]> {
    this.assertCompiled();
    this.assertInput(data);
    if (options.validationData) this.assertInput(options.validationData);
    return fitEpochs(this, data, options);
  }

  async evaluate(data: Dataset, options: EvaluateOptions = {}): Promise<EvaluateResult> {
    const { loss } = this.assertCompiled();
    this.assertInput(data);
    const batches = new BatchUploader(this.engine, data, this.inputScale);
    const readback = new StepReadback(this.engine, options.stepsPerRead);
    const totals = new RunningTotals();
    const output = options.output ?? consoleLines();
    // On a terminal a live bar shows the pass moving (a full test set takes minutes on slow backends); it
    // is cleared before the one evaluate line, so logs and pipes see only that line.
    const progbar = new KerasProgbar(data.count, output, options.verbose ? undefined : false);
    progbar.start();
    const add = (values: StepValues) => {
      totals.add(values);
      progbar.update(totals.seen, { loss: totals.loss, accuracy: totals.accuracy });
    };
    const started = performance.now();
    try {
      for (const range of batchRanges(data.count, options.batchSize ?? 32)) {
        const step = this.engine.scope(() => {
          const { images, labels } = batches.upload(null, range);
          const outputs = this.forward(images, false);
          const r = ops.loss(this.engine, outputs, labels, lossInfo(loss, range.size, outputs.shape[1]!));
          return { loss: r.loss, correct: r.correct };
        });
        for (const values of await readback.record(range.step, range.size, step.loss, step.correct)) add(values);
      }
      for (const values of await readback.flush()) add(values);
    } finally {
      progbar.abort();
      readback.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    const result = { loss: totals.lossSum / data.count, accuracy: totals.correctSum / data.count, count: data.count, seconds };
    if (options.verbose) {
      output.write(`${formatEvaluateLine(data.count, seconds, { loss: result.loss, accuracy: result.accuracy })}\n`);
    }
    return result;
  }

  /**
   * The model's outputs, [count, classes] row-major, as Keras `predict` returns them: what the last layer
   * gives (probabilities after a softmax layer, logits when the loss applies the softmax). For class
   * probabilities whatever the loss, use `predictProbabilities`; for the predicted classes, `predictClasses`.
   * Labels in `data` are not used.
   */
  async predict(data: PredictInput, options: { batchSize?: number } = {}): Promise<Float32Array> {
    this.assertBuilt();
    this.assertInput(data);
    const classes = this.outputShape[0]!;
    const batches = new BatchUploader(this.engine, { labels: new Uint8Array(data.count), ...data }, this.inputScale);
    const result = new Float32Array(data.count * classes);
    for (const range of batchRanges(data.count, options.batchSize ?? 256)) {
      const outputs = this.engine.scope(() => this.forward(batches.uploadImages(range), false));
      result.set(await outputs.data(), range.start * classes);
      outputs.dispose();
    }
    return result;
  }

  /** Class probabilities, [count, classes] row-major: the outputs through the compiled loss's link (softmax for logits). */
  async predictProbabilities(data: PredictInput, options: { batchSize?: number } = {}): Promise<Float32Array> {
    const { loss } = this.assertCompiled();
    return loss.probabilities(await this.predict(data, options), this.outputShape[0]!);
  }

  /** The predicted class of each row (argmax of the outputs; the lower index on a tie). */
  async predictClasses(data: PredictInput, options: { batchSize?: number } = {}): Promise<Int32Array> {
    const outputs = await this.predict(data, options);
    const classes = this.outputShape[0]!;
    const result = new Int32Array(data.count);
    for (let i = 0; i < data.count; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (outputs[i * classes + c]! > outputs[i * classes + best]!) best = c;
      result[i] = best;
    }
    return result;
  }

  /** Frees weights (and the optimizer's state). */
  dispose(): void {
    for (const p of this.params()) {
      p.value.dispose();
      p.grad?.dispose();
    }
    this.compiled?.optimizer.dispose();
  }

  private layerNamed(name: string): Layer {
    this.assertBuilt();
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new Error(`no layer named ${name}; the layers are ${this.layers.map((l) => l.name).join(', ')}`);
    return layer;
  }

  /** Refuses rows of another shape up front, naming the shape the model takes (not deep in a backend). */
  private assertInput(data: PredictInput): void {
    const expected = this.options.inputShape;
    if (data.sampleShape.join() !== expected.join()) {
      throw new Error(
        `this model takes inputs of shape [${expected.join(', ')}] per sample, got [${data.sampleShape.join(', ')}]; reshape the data to [${expected.join(', ')}]`,
      );
    }
    const size = expected.reduce((a, b) => a * b, 1);
    if (data.images.length !== data.count * size) {
      throw new Error(
        `${data.count} samples of shape [${expected.join(', ')}] are ${data.count * size} values, got ${data.images.length}; pass count * ${size} values`,
      );
    }
  }

  private assertBuilt(): void {
    if (!this.built) throw new Error('model is not built; call build(seed) first');
  }

  private assertCompiled(): CompileOptions {
    this.assertBuilt();
    if (!this.compiled) throw new Error('model is not compiled; call compile({ loss, optimizer }) first');
    return this.compiled;
  }
}
