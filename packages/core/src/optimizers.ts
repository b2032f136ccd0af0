import type { Engine } from './engine.js';
import type { LearningRateSchedule } from './learning-rate.js';
import type { Param } from './layers/layer.js';
import { sgdUpdate } from './ops.js';
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
export class SGD {
  readonly schedule: number | LearningRateSchedule;
  readonly momentum: number;
  readonly nesterov: boolean;
  /** Updates applied so far (Keras `optimizer.iterations`); drives the schedule. Restore it on resume. */
  iterations = 0;
  private readonly velocities = new Map<Param, Tensor>();

  constructor(options: SgdOptions = {}) {
    this.schedule = options.learningRate ?? 0.01;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    const first = this.learningRate;
    if (!(first > 0) || !Number.isFinite(first)) {
      throw new RangeError(`learning rate must be a positive number, got ${first}`);
    }
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${this.momentum}`);
  }

  /** The rate the next update uses. */
  get learningRate(): number {
    return typeof this.schedule === 'number' ? this.schedule : this.schedule(this.iterations);
  }

  /** Applies each param's current gradient. */
  apply(engine: Engine, params: readonly Param[]): void {
    const learningRate = this.learningRate;
    for (const p of params) {
      if (!p.grad) throw new Error(`no gradient for ${p.name}; run backward first`);
      let velocity: Tensor | null = null;
      if (this.momentum > 0) {
        velocity = this.velocities.get(p) ?? null;
        if (!velocity) {
          velocity = engine.keep(engine.upload(new Float32Array(p.value.size), p.value.shape));
          this.velocities.set(p, velocity);
        }
      }
      sgdUpdate(engine, p.value, p.grad, velocity, {
        size: p.value.size,
        learningRate,
        momentum: this.momentum,
        nesterov: this.nesterov,
      });
    }
    this.iterations++;
  }

  /** Optimizer state, e.g. for checkpoints. */
  state(): ReadonlyMap<Param, Tensor> {
    return this.velocities;
  }

  /** Replaces the velocities (e.g. from a checkpoint); a param left out starts again from zero. */
  setState(engine: Engine, velocities: ReadonlyMap<Param, Float32Array>): void {
    for (const [p, values] of velocities) {
      if (values.length !== p.value.size) throw new Error(`velocity for ${p.name} holds ${values.length} values, the weight ${p.value.size}`);
    }
    this.dispose();
    for (const [p, values] of velocities) this.velocities.set(p, engine.keep(engine.upload(values, p.value.shape)));
  }

  dispose(): void {
    for (const v of this.velocities.values()) v.dispose();
    this.velocities.clear();
  }
}
