import { Batcher, sliceDataset, type Dataset } from './dataset.js';
import type { Engine } from './engine.js';
import type { Layer, Param } from './layers/layer.js';
import { lossInfo, type Loss } from './losses.js';
import * as ops from './ops.js';
import type { SGD } from './optimizers.js';
import { formatEvaluateLine, KerasProgbar, type Logs, type OutputStream } from './progress.js';
import { Random, type RandomState } from './random.js';
import type { Tensor } from './tensor.js';

export interface SequentialOptions {
  /** Per-sample input shape, e.g. [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Multiplies raw inputs while batching (1 for the d2l recipe's raw pixels, 1/255 to scale to [0,1]). */
  readonly inputScale?: number;
}

export interface CompileOptions {
  readonly loss: Loss;
  readonly optimizer: SGD;
}

export interface EpochLogs {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss?: number;
  readonly valAccuracy?: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface FitOptions {
  readonly batchSize?: number;
  readonly epochs?: number;
  /** Fraction taken from the END of the data, before any shuffling (Keras `validation_split`). */
  readonly validationSplit?: number;
  readonly shuffle?: boolean;
  /** Seeds the per-epoch shuffles. */
  readonly seed?: number;
  /** 0 = silent, 1 = Keras progress bar lines. */
  readonly verbose?: 0 | 1;
  readonly output?: OutputStream;
  /** Called after each epoch with its logs and the state a checkpoint needs to continue from there. */
  readonly onEpochEnd?: (logs: EpochLogs, state: FitState) => void | Promise<void>;
  /**
   * Checked after every step; when it returns true fit stops there. Stopped mid-epoch, fit skips that
   * epoch's validation, hands the state to `onInterrupt` and returns the finished epochs.
   */
  readonly shouldStop?: () => boolean;
  readonly onInterrupt?: (state: FitState) => void | Promise<void>;
  /** Continues a fit from a state handed to `onEpochEnd` or `onInterrupt` (e.g. read from a checkpoint). */
  readonly resumeFrom?: FitState;
}

/** Where a fit stands between steps: with the weights and optimizer state, enough to continue it exactly. */
export interface FitState {
  /** The epoch to run or to finish (1-based). */
  readonly epoch: number;
  /** Training samples of that epoch already done; 0 means its shuffle has not happened yet. */
  readonly offset: number;
  /** The training-row order: that epoch's when offset > 0, else the previous epoch's (the next shuffle starts from it). */
  readonly order: Uint32Array;
  /** The batch-order generator's state. */
  readonly random: RandomState;
  /** Sample-weighted loss sum and correct count of the samples done in that epoch. */
  readonly lossSum: number;
  readonly correctSum: number;
  /** The epochs finished so far. */
  readonly history: readonly EpochLogs[];
}

export interface EvaluateResult {
  readonly loss: number;
  readonly accuracy: number;
  readonly count: number;
  readonly seconds: number;
}

export class NonFiniteLossError extends Error {
  constructor(readonly epoch: number, readonly step: number, readonly value: number) {
    super(`loss became ${value} at epoch ${epoch}, step ${step}: training diverged; lower --lr or change the preset`);
    this.name = 'NonFiniteLossError';
  }
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

  get optimizer(): SGD {
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
   * One optimization step on an uploaded batch: forward, fused loss, backward, SGD. Returns the
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

  async fit(data: Dataset, options: FitOptions = {}): Promise<EpochLogs[]> {
    this.assertCompiled();
    const batchSize = options.batchSize ?? 32;
    const epochs = options.epochs ?? 1;
    const verbose = options.verbose ?? 1;
    const output = options.output ?? process.stdout;
    const split = options.validationSplit ?? 0;
    // Keras: split_at = int(n * (1 - validation_split)), taken before shuffling.
    const splitAt = split > 0 ? Math.floor(data.count * (1 - split)) : data.count;
    const train = sliceDataset(data, 0, splitAt);
    const validation = split > 0 ? sliceDataset(data, splitAt, data.count) : null;
    const random = new Random(options.seed ?? 0);
    const order = new Uint32Array(train.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const batcher = new Batcher(train, this.inputScale);
    const history: EpochLogs[] = [];
    const resume = options.resumeFrom;
    if (resume) {
      if (resume.order.length !== train.count || resume.offset > train.count) {
        throw new RangeError(`the state to resume from covers ${resume.order.length} training rows, this data has ${train.count}`);
      }
      order.set(resume.order);
      random.setState(resume.random);
      history.push(...resume.history);
    }
    const state = (epoch: number, offset: number, lossSum: number, correctSum: number): FitState => ({
      epoch, offset, order: order.slice(), random: random.getState(), lossSum, correctSum, history: [...history],
    });
    let lastYield = performance.now();

    if (verbose) {
      output.write(validation ? `Train on ${train.count} samples, validate on ${validation.count} samples\n` : `Train on ${train.count} samples\n`);
    }
    for (let epoch = resume?.epoch ?? 1; epoch <= epochs; epoch++) {
      const resumed = resume && epoch === resume.epoch && resume.offset > 0 ? resume : null;
      if (!resumed && (options.shuffle ?? true)) random.shuffle(order);
      if (verbose) output.write(`Epoch ${epoch}/${epochs}\n`);
      const progbar = new KerasProgbar(train.count, output, verbose ? undefined : false);
      if (verbose) progbar.start();
      const started = performance.now();
      const resumedAt = resumed?.offset ?? 0;
      let seen = resumedAt;
      let lossSum = resumed?.lossSum ?? 0;
      let correctSum = resumed?.correctSum ?? 0;
      for (let start = seen; start < train.count; start += batchSize) {
        const size = Math.min(batchSize, train.count - start);
        const batch = batcher.fill(order, start, size);
        const images = this.engine.upload(batch.images, [size, ...train.sampleShape]);
        const labels = this.engine.upload(batch.labels, [size]);
        const step = this.trainStep(images, labels);
        images.dispose();
        labels.dispose();
        const [lossValue, correct] = await readScalars(step.loss, step.correct);
        if (!Number.isFinite(lossValue)) throw new NonFiniteLossError(epoch, start / batchSize + 1, lossValue);
        // Keras averages batch losses weighted by batch size.
        seen += size;
        lossSum += lossValue * size;
        correctSum += correct;
        progbar.update(seen, { loss: lossSum / seen, accuracy: correctSum / seen });
        // Signal handlers (Ctrl-C) and timers only run when the loop yields to the event loop.
        if (performance.now() - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
        if (options.shouldStop?.() && seen < train.count) {
          progbar.abort();
          await options.onInterrupt?.(state(epoch, seen, lossSum, correctSum));
          return history;
        }
      }
      const trainSeconds = (performance.now() - started) / 1000;
      const logs: Record<string, number> = { loss: lossSum / seen, accuracy: correctSum / seen };
      let val: EvaluateResult | null = null;
      if (validation) {
        val = await this.evaluate(validation, { batchSize, verbose: 0 });
        logs.val_loss = val.loss;
        logs.val_accuracy = val.accuracy;
      }
      const seconds = verbose ? progbar.finish(logs) : (performance.now() - started) / 1000;
      const entry: EpochLogs = {
        epoch,
        loss: logs.loss!,
        accuracy: logs.accuracy!,
        ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
        seconds,
        samplesPerSecond: (seen - resumedAt) / trainSeconds,
      };
      history.push(entry);
      await options.onEpochEnd?.(entry, state(epoch + 1, 0, 0, 0));
      if (options.shouldStop?.()) break;
    }
    return history;
  }

  async evaluate(data: Dataset, options: { batchSize?: number; verbose?: 0 | 1; output?: OutputStream } = {}): Promise<EvaluateResult> {
    const { loss } = this.assertCompiled();
    const batchSize = options.batchSize ?? 32;
    const batcher = new Batcher(data, this.inputScale);
    const started = performance.now();
    let lossSum = 0;
    let correctSum = 0;
    for (let start = 0; start < data.count; start += batchSize) {
      const size = Math.min(batchSize, data.count - start);
      const batch = batcher.fill(null, start, size);
      const step = this.engine.scope(() => {
        const images = this.engine.upload(batch.images, [size, ...data.sampleShape]);
        const labels = this.engine.upload(batch.labels, [size]);
        const outputs = this.forward(images, false);
        const r = ops.loss(this.engine, outputs, labels, lossInfo(loss, size, outputs.shape[1]!));
        return { loss: r.loss, correct: r.correct };
      });
      const [lossValue, correct] = await readScalars(step.loss, step.correct);
      lossSum += lossValue * size;
      correctSum += correct;
    }
    const seconds = (performance.now() - started) / 1000;
    const result = { loss: lossSum / data.count, accuracy: correctSum / data.count, count: data.count, seconds };
    if (options.verbose) {
      (options.output ?? process.stdout).write(`${formatEvaluateLine(data.count, seconds, { loss: result.loss, accuracy: result.accuracy })}\n`);
    }
    return result;
  }

  /** Class probabilities, [count, classes] row-major. */
  async predict(data: Dataset, options: { batchSize?: number } = {}): Promise<Float32Array> {
    const { loss } = this.assertCompiled();
    const batchSize = options.batchSize ?? 256;
    const classes = this.outputShape[0]!;
    const batcher = new Batcher(data, this.inputScale);
    const result = new Float32Array(data.count * classes);
    for (let start = 0; start < data.count; start += batchSize) {
      const size = Math.min(batchSize, data.count - start);
      const batch = batcher.fill(null, start, size);
      const outputs = this.engine.scope(() => this.forward(this.engine.upload(batch.images, [size, ...data.sampleShape]), false));
      const values = await outputs.data();
      outputs.dispose();
      result.set(loss.probabilities(values, classes), start * classes);
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

  private assertBuilt(): void {
    if (!this.built) throw new Error('model is not built; call build(seed) first');
  }

  private assertCompiled(): CompileOptions {
    this.assertBuilt();
    if (!this.compiled) throw new Error('model is not compiled; call compile({ loss, optimizer }) first');
    return this.compiled;
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

async function readScalars(...tensors: Tensor[]): Promise<number[]> {
  const values = await Promise.all(tensors.map((t) => t.data()));
  for (const t of tensors) t.dispose();
  return values.map((v) => v[0]!);
}
