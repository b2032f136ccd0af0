import type { Engine } from './engine.js';
import type { Param } from './layers/layer.js';
import { sgdUpdate } from './ops.js';
import type { Tensor } from './tensor.js';

export interface SgdOptions {
  readonly learningRate?: number;
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/**
 * Keras SGD: p -= lr * g, or with momentum v = m v - lr g; p += v (nesterov: p += m v - lr g).
 * Velocities live on the backend next to the weights; the update is one fused primitive per tensor.
 */
export class SGD {
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private readonly velocities = new Map<Param, Tensor>();

  constructor(options: SgdOptions = {}) {
    this.learningRate = options.learningRate ?? 0.01;
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.learningRate > 0) || !Number.isFinite(this.learningRate)) {
      throw new RangeError(`learning rate must be a positive number, got ${this.learningRate}`);
    }
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${this.momentum}`);
  }

  /** Applies each param's current gradient. */
  apply(engine: Engine, params: readonly Param[]): void {
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
        learningRate: this.learningRate,
        momentum: this.momentum,
        nesterov: this.nesterov,
      });
    }
  }

  /** Optimizer state, e.g. for checkpoints. */
  state(): ReadonlyMap<Param, Tensor> {
    return this.velocities;
  }

  dispose(): void {
    for (const v of this.velocities.values()) v.dispose();
    this.velocities.clear();
  }
}
