import type { Engine } from './engine.js';
import type { Param } from './layers/layer.js';
import type { LearningRateSchedule } from './learning-rate.js';
import type { Tensor } from './tensor.js';

/** The optimizers core has, by the names the CLI and checkpoints use. */
export type OptimizerKind = 'sgd' | 'adam' | 'rmsprop';
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['sgd', 'adam', 'rmsprop'];

/** Per-weight state by slot name (SGD `velocity`, Adam `m` and `v`, RMSprop `v`), as Keras' optimizer slots. */
export type OptimizerSlots<T> = ReadonlyMap<string, ReadonlyMap<Param, T>>;

/** What `compile` takes: SGD, Adam and RMSprop, each with Keras' semantics and defaults. */
export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Updates applied so far (Keras `optimizer.iterations`): drives schedules and Adam's bias correction. Restore it on resume. */
  iterations: number;
  /** The rate the next update uses. */
  readonly learningRate: number;
  /** One line of the settings, e.g. `Adam lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7`. */
  describe(): string;
  /** Applies each param's current gradient, then counts the update. */
  apply(engine: Engine, params: readonly Param[]): void;
  /** The slots that exist so far (a slot is created on a weight's first update), e.g. for checkpoints. */
  slots(): OptimizerSlots<Tensor>;
  /** Replaces the slots (e.g. from a checkpoint); a weight left out of a slot starts that slot again from zero. */
  setSlots(engine: Engine, slots: OptimizerSlots<Float32Array>): void;
  dispose(): void;
}

/** The rate of a constant or scheduled learning rate at `iterations`. */
export function rateAt(schedule: number | LearningRateSchedule, iterations: number): number {
  return typeof schedule === 'number' ? schedule : schedule(iterations);
}

export function assertPositiveRate(rate: number): void {
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`learning rate must be a positive number, got ${rate}`);
}

/** Named per-weight tensors living on the backend next to the weights, zero until first used. */
export class SlotStore {
  private readonly slots = new Map<string, Map<Param, Tensor>>();

  constructor(private readonly names: readonly string[]) {
    for (const name of names) this.slots.set(name, new Map());
  }

  /** The slot's tensor for `param`, created as zeros on first use. */
  get(engine: Engine, name: string, param: Param): Tensor {
    const slot = this.slot(name);
    let tensor = slot.get(param);
    if (!tensor) {
      tensor = engine.keep(engine.upload(new Float32Array(param.value.size), param.value.shape));
      slot.set(param, tensor);
    }
    return tensor;
  }

  all(): OptimizerSlots<Tensor> {
    return this.slots;
  }

  set(engine: Engine, slots: OptimizerSlots<Float32Array>): void {
    for (const [name, values] of slots) {
      this.slot(name);
      for (const [p, v] of values) {
        if (v.length !== p.value.size) throw new Error(`${name} for ${p.name} holds ${v.length} values, the weight ${p.value.size}`);
      }
    }
    this.dispose();
    for (const [name, values] of slots) {
      const slot = this.slot(name);
      for (const [p, v] of values) slot.set(p, engine.keep(engine.upload(v, p.value.shape)));
    }
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      for (const t of slot.values()) t.dispose();
      slot.clear();
    }
  }

  private slot(name: string): Map<Param, Tensor> {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`this optimizer has no slot "${name}"; it has ${this.names.join(', ')}`);
    return slot;
  }
}
