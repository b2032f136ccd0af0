import type { AdaptiveInfo } from './backend.js';
import type { Engine } from './engine.js';
import type { Param } from './layers/layer.js';
import type { LearningRateSchedule } from './learning-rate.js';
import { adaptiveUpdate } from './ops.js';
import { assertPositiveRate, rateAt, SlotStore, type Optimizer, type OptimizerSlots } from './optimizer.js';
import type { Tensor } from './tensor.js';

/*
 * Keras (TF 2.x) Adam, as checked in tensorflow/python/keras/optimizer_v2/adam.py and the ApplyAdam kernel of
 * tensorflow/core/kernels/training_ops.cc: defaults lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7 (the
 * "epsilon hat" of Kingma and Ba, added to sqrt(v) outside the bias correction); per step t = iterations + 1,
 * alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t), m += (g - m)(1 - beta_1), v += (g^2 - v)(1 - beta_2),
 * p -= alpha m / (sqrt(v) + epsilon). (The kernel's m += (g - m)(1 - b1) is b1 m + (1 - b1) g up to one rounding.)
 * tfjs' tf.train.adam (tfjs-core adam_optimizer.ts, which tfjs-layers' 'adam' uses) differs in where epsilon
 * goes: it divides m/(1 - b1^t) by sqrt(v/(1 - b2^t)) + epsilon, i.e. Keras with epsilon scaled by
 * sqrt(1 - b2^t) (31.6x smaller at t = 1); the same as Keras wherever sqrt(v) >> epsilon.
 */

export interface AdamOptions {
  /** A constant rate or a schedule of the step count; default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

/** Adam's bias-corrected step size for update number `step` (1-based): lr sqrt(1 - beta2^t) / (1 - beta1^t). */
export function adamStepSize(learningRate: number, beta1: number, beta2: number, step: number): number {
  return (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
}

export function assertDecay(name: string, value: number): void {
  if (!(value >= 0 && value < 1)) throw new RangeError(`${name} must be in [0, 1), got ${value}`);
}

export function assertEpsilon(epsilon: number): void {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`epsilon must be a positive number, got ${epsilon}`);
}

/** Keras Adam: moments m and v live on the backend next to the weights; one fused primitive per tensor. */
export class Adam implements Optimizer {
  readonly kind = 'adam';
  readonly schedule: number | LearningRateSchedule;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  iterations = 0;
  private readonly store = new SlotStore(['m', 'v']);

  constructor(options: AdamOptions = {}) {
    this.schedule = options.learningRate ?? 0.001;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    assertPositiveRate(this.learningRate);
    assertDecay('beta1', this.beta1);
    assertDecay('beta2', this.beta2);
    assertEpsilon(this.epsilon);
  }

  get learningRate(): number {
    return rateAt(this.schedule, this.iterations);
  }

  describe(): string {
    const lr = typeof this.schedule === 'number' ? String(this.schedule) : this.schedule.description;
    return `Adam lr ${lr}, beta_1 ${this.beta1}, beta_2 ${this.beta2}, epsilon ${this.epsilon}`;
  }

  apply(engine: Engine, params: readonly Param[]): void {
    const learningRate = adamStepSize(this.learningRate, this.beta1, this.beta2, this.iterations + 1);
    for (const p of params) {
      if (!p.grad) throw new Error(`no gradient for ${p.name}; run backward first`);
      const info: AdaptiveInfo = { kind: 'adam', size: p.value.size, learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
      adaptiveUpdate(engine, p.value, p.grad, this.store.get(engine, 'm', p), this.store.get(engine, 'v', p), info);
    }
    this.iterations++;
  }

  slots(): OptimizerSlots<Tensor> {
    return this.store.all();
  }

  setSlots(engine: Engine, slots: OptimizerSlots<Float32Array>): void {
    this.store.set(engine, slots);
  }

  dispose(): void {
    this.store.dispose();
  }
}
