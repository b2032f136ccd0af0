import type { AdaptiveInfo } from './backend.js';
import { assertDecay, assertEpsilon } from './adam.js';
import type { Engine } from './engine.js';
import type { Param } from './layers/layer.js';
import type { LearningRateSchedule } from './learning-rate.js';
import { adaptiveUpdate } from './ops.js';
import { assertPositiveRate, rateAt, SlotStore, type Optimizer, type OptimizerSlots } from './optimizer.js';
import type { Tensor } from './tensor.js';

/*
 * Keras (TF 2.x) RMSprop without momentum, not centered, as checked in
 * tensorflow/python/keras/optimizer_v2/rmsprop.py (_resource_apply_dense): defaults lr 0.001, rho 0.9,
 * momentum 0, epsilon 1e-7; v = rho v + (1 - rho) g^2; p -= lr g / (sqrt(v) + epsilon). Keras 3 (and TF's
 * ApplyRMSProp kernel, used there only with momentum) put epsilon inside the root, sqrt(v + epsilon), as does
 * tfjs' tf.train.rmsprop, which also always keeps a momentum accumulator.
 */

export interface RmspropOptions {
  /** A constant rate or a schedule of the step count; default 0.001. */
  readonly learningRate?: number | LearningRateSchedule;
  readonly rho?: number;
  readonly epsilon?: number;
}

/** Keras RMSprop (momentum 0, not centered): the mean square v lives on the backend; one fused primitive per tensor. */
export class RMSprop implements Optimizer {
  readonly kind = 'rmsprop';
  readonly schedule: number | LearningRateSchedule;
  readonly rho: number;
  readonly epsilon: number;
  iterations = 0;
  private readonly store = new SlotStore(['v']);

  constructor(options: RmspropOptions = {}) {
    this.schedule = options.learningRate ?? 0.001;
    this.rho = options.rho ?? 0.9;
    this.epsilon = options.epsilon ?? 1e-7;
    assertPositiveRate(this.learningRate);
    assertDecay('rho', this.rho);
    assertEpsilon(this.epsilon);
  }

  get learningRate(): number {
    return rateAt(this.schedule, this.iterations);
  }

  describe(): string {
    const lr = typeof this.schedule === 'number' ? String(this.schedule) : this.schedule.description;
    return `RMSprop lr ${lr}, rho ${this.rho}, epsilon ${this.epsilon}`;
  }

  apply(engine: Engine, params: readonly Param[]): void {
    const learningRate = this.learningRate;
    for (const p of params) {
      if (!p.grad) throw new Error(`no gradient for ${p.name}; run backward first`);
      const info: AdaptiveInfo = { kind: 'rmsprop', size: p.value.size, learningRate, beta1: 0, beta2: this.rho, epsilon: this.epsilon };
      adaptiveUpdate(engine, p.value, p.grad, null, this.store.get(engine, 'v', p), info);
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
