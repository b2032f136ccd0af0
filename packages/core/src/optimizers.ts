import type { Engine } from './engine.js';
import type { LearningRateSchedule } from './learning-rate.js';
import type { Param } from './layers/layer.js';
import { sgdUpdate } from './ops.js';
import { assertPositiveRate, rateAt, SlotStore, type Optimizer, type OptimizerSlots } from './optimizer.js';
import type { Tensor } from './tensor.js';

export interface SgdOptions {
  /** A constant rate or a schedule of the step count. */
  readonly learningRate?: number | LearningRateSchedule;
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/**
 * Keras SGD: p -= lr * g, or with momentum v = m v - lr g; p += v (nesterov: p += m v - lr g).
 * Velocities live on the backend next to the weights; the update is one fused primitive per tensor.
 */
export class SGD implements Optimizer {
  readonly kind = 'sgd';
  readonly schedule: number | LearningRateSchedule;
  readonly momentum: number;
  readonly nesterov: boolean;
  /** Updates applied so far (Keras `optimizer.iterations`); drives the schedule. Restore it on resume. */
  iterations = 0;
  private readonly store = new SlotStore(['velocity']);

  constructor(options: SgdOptions = {}) {
    this.schedule = options.learningRate ?? 0.01;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    assertPositiveRate(this.learningRate);
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${this.momentum}`);
  }

  /** The rate the next update uses. */
  get learningRate(): number {
    return rateAt(this.schedule, this.iterations);
  }

  describe(): string {
    const lr = typeof this.schedule === 'number' ? String(this.schedule) : this.schedule.description;
    return `SGD lr ${lr}${this.momentum > 0 ? `, momentum ${this.momentum}${this.nesterov ? ' (Nesterov)' : ''}` : ''}`;
  }

  /** Applies each param's current gradient. */
  apply(engine: Engine, params: readonly Param[]): void {
    const learningRate = this.learningRate;
    for (const p of params) {
      if (!p.grad) throw new Error(`no gradient for ${p.name}; run backward first`);
      const velocity = this.momentum > 0 ? this.store.get(engine, 'velocity', p) : null;
      sgdUpdate(engine, p.value, p.grad, velocity, {
        size: p.value.size,
        learningRate,
        momentum: this.momentum,
        nesterov: this.nesterov,
      });
    }
    this.iterations++;
  }

  slots(): OptimizerSlots<Tensor> {
    return this.store.all();
  }

  setSlots(engine: Engine, slots: OptimizerSlots<Float32Array>): void {
    this.store.set(engine, slots);
  }

  /** The velocities (the `velocity` slot), e.g. for checkpoints. */
  state(): ReadonlyMap<Param, Tensor> {
    return this.store.all().get('velocity')!;
  }

  /** Replaces the velocities (e.g. from a checkpoint); a param left out starts again from zero. */
  setState(engine: Engine, velocities: ReadonlyMap<Param, Float32Array>): void {
    this.store.set(engine, new Map([['velocity', velocities]]));
  }

  dispose(): void {
    this.store.dispose();
  }
}
