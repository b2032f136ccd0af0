import {
  BACKEND_API_VERSION,
  type ActivationKind,
  type Backend,
  type BackendMemory,
  type Conv2DInfo,
  type LossInfo,
  type LossResult,
  type MatMulInfo,
  type Pool2DInfo,
  type SgdInfo,
  type AdaptiveInfo,
  type AdaptiveResult,
  type SgdResult,
  assertElements,
  HandleError,
  HandleRegistry,
  primitiveInputs,
} from '@lenet-ts/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { conv2dBackwardFilter, conv2dBackwardInput, conv2dForward } from './conv2d.js';
import { lossAndGradient } from './loss.js';
import { assertArgmaxExact, maxPoolBackward, maxPoolWithArgmax } from './pool.js';
import { describeRuntime, loadRuntime, type LoadedRuntime, type RuntimeNote, type Tf, type TfjsRuntime, type TfjsRuntimeRequest } from './runtime.js';

export interface TfjsBackendOptions {
  /** Which TensorFlow.js runtime to use; `auto` (default) takes node, else webgpu on a hardware adapter, else wasm, else cpu. */
  readonly runtime?: TfjsRuntimeRequest;
  /** Where a page serves tfjs-backend-wasm's .wasm files (a URL folder); Node needs none. */
  readonly wasmPaths?: string;
}

/** Geometry-only constants (pool index tables) are kept per shape; a model has a handful of shapes. */
const MAX_CACHED_CONSTANTS = 16;

/**
 * The Backend contract on TensorFlow.js: handles are float32 tf.Tensors that stay on the runtime between
 * primitives, each primitive is a tf.tidy of tfjs ops, and every op goes through the one `tf` namespace
 * picked at creation (tfjs-node's own when it loads).
 */
export class TfjsBackend implements Backend<Tensor> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name = 'tfjs';
  readonly description: string;
  /** The runtime that actually runs. */
  readonly runtime: TfjsRuntime;
  /** The runtime, as the Backend contract's mode. */
  readonly mode: TfjsRuntime;
  /** What was asked for. */
  readonly requested: TfjsRuntimeRequest;
  /** Why each other runtime did not run. */
  readonly notes: readonly RuntimeNote[];
  /** The TensorFlow.js namespace this backend runs on (e.g. to read `tf.memory()`). */
  readonly tf: Tf;

  private readonly backendName: string;
  /** The tensors handed out and not yet disposed: memory() reports these, not tf.memory() (shared by every tfjs user). */
  private readonly registry = new HandleRegistry<Tensor>('tfjs');
  private readonly constants = new Map<string, Tensor>();
  private closed = false;

  constructor(loaded: LoadedRuntime, requested: TfjsRuntimeRequest) {
    this.tf = loaded.tf;
    this.runtime = loaded.runtime;
    this.mode = loaded.runtime;
    this.backendName = loaded.backendName;
    this.notes = loaded.notes;
    this.requested = requested;
    this.description = describeRuntime(loaded);
  }

  upload(data: Float32Array): Tensor {
    this.activate();
    // tfjs may keep the array it is given; the caller may reuse its buffer, so hand over a copy.
    return this.adopt(this.tf.tensor1d(data.slice(), 'float32'));
  }

  async read(handle: Tensor): Promise<Float32Array> {
    this.assertOpen();
    this.assertLive(handle, 'read');
    const values = await handle.data<'float32'>();
    // The cpu runtime returns its backing store; never let the caller write into a live tensor.
    return values instanceof Float32Array ? values.slice() : Float32Array.from(values);
  }

  /** Disposes a handle; a second dispose, or a tensor this backend did not make, is a no-op. */
  dispose(handle: Tensor): void {
    if (this.registry.delete(handle)) handle.dispose();
  }

  memory(): BackendMemory {
    return { handles: this.registry.handles, bytes: this.registry.bytes };
  }

  conv2d(x: Tensor, filter: Tensor, bias: Tensor | null, info: Conv2DInfo, activation: ActivationKind): Tensor {
    this.inputs.conv2d(x, filter, bias, info);
    return this.run(() => conv2dForward(this.tf, x, filter, bias, info, activation));
  }

  matMul(a: Tensor, b: Tensor, bias: Tensor | null, info: MatMulInfo, activation: ActivationKind): Tensor {
    const { m, k, n, transposeA, transposeB } = info;
    this.inputs.matMul(a, b, bias, info);
    const tf = this.tf;
    return this.run(() => {
      // Transposing first, not through matMul's flags: wasm 4.22's transposed _FusedMatMul is about 3x
      // slower and adds the bias wrongly; the extra copy costs the other runtimes little.
      const left = transposeA ? tf.transpose(tf.reshape(a, [k, m])) : tf.reshape(a, [m, k]);
      const right = transposeB ? tf.transpose(tf.reshape(b, [n, k])) : tf.reshape(b, [k, n]);
      return tf.fused.matMul({
        a: left,
        b: right,
        bias: bias === null ? undefined : tf.reshape(bias, [n]),
        activation,
      });
    });
  }

  maxPool(x: Tensor, info: Pool2DInfo): { readonly y: Tensor; readonly argmax: Tensor } {
    this.inputs.maxPool(x, info);
    assertArgmaxExact(info);
    this.activate();
    const { y, argmax } = this.tf.tidy(() => maxPoolWithArgmax(this.tf, x, info, (key, values) => this.constant(key, values)));
    return { y: this.adopt(y), argmax: this.adopt(argmax) };
  }

  activation(x: Tensor, size: number, kind: ActivationKind): Tensor {
    this.inputs.activation(x, size);
    const tf = this.tf;
    return this.run(() => applyActivation(tf, x, kind));
  }

  softmax(x: Tensor, rows: number, cols: number): Tensor {
    this.inputs.softmax(x, rows, cols);
    return this.run(() => this.tf.softmax(this.tf.reshape(x, [rows, cols])));
  }

  conv2dBackwardInput(dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
    this.inputs.conv2dBackwardInput(dy, filter, info);
    return this.run(() => conv2dBackwardInput(this.tf, dy, filter, info));
  }

  conv2dBackwardFilter(x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
    this.inputs.conv2dBackwardFilter(x, dy, info);
    return this.run(() => conv2dBackwardFilter(this.tf, x, dy, info));
  }

  maxPoolBackward(dy: Tensor, argmax: Tensor, info: Pool2DInfo): Tensor {
    this.inputs.maxPoolBackward(dy, argmax, info);
    return this.run(() => maxPoolBackward(this.tf, dy, argmax, info, (key, values) => this.constant(key, values)));
  }

  activationBackward(dy: Tensor, y: Tensor, size: number, kind: ActivationKind): Tensor {
    this.inputs.activationBackward(dy, y, size);
    const tf = this.tf;
    return this.run(() => {
      // Handles may carry different tfjs shapes for the same data (core reshapes are views); go flat.
      const g = tf.reshape(dy, [size]);
      const out = tf.reshape(y, [size]);
      switch (kind) {
        case 'linear':
          return tf.clone(g);
        case 'sigmoid':
          return tf.mul(tf.mul(g, out), tf.sub(1, out));
        case 'relu':
          return tf.where(tf.greater(out, 0), g, tf.zerosLike(g));
        default:
          throw new Error(`tfjs backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
      }
    });
  }

  biasGrad(dy: Tensor, rows: number, channels: number): Tensor {
    this.inputs.biasGrad(dy, rows, channels);
    return this.run(() => this.tf.sum(this.tf.reshape(dy, [rows, channels]), 0));
  }

  loss(input: Tensor, labels: Tensor, info: LossInfo): LossResult<Tensor> {
    this.inputs.loss(input, labels, info);
    this.activate();
    const r = this.tf.tidy(() => {
      const { loss, correct, gradient } = lossAndGradient(this.tf, input, labels, info);
      return { loss, correct, gradient };
    });
    return { loss: this.adopt(r.loss), correct: this.adopt(r.correct), gradient: this.adopt(r.gradient) };
  }

  /** tfjs tensors are immutable: returns new handles; core disposes the old ones. */
  sgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, info: SgdInfo): SgdResult<Tensor> {
    this.inputs.sgdUpdate(param, grad, velocity, info);
    const tf = this.tf;
    this.activate();
    const flat = [info.size];
    if (info.momentum === 0) {
      const next = tf.tidy(() => tf.sub(tf.reshape(param, flat), tf.mul(tf.scalar(info.learningRate), tf.reshape(grad, flat))));
      return { param: this.adopt(next), velocity: null };
    }
    // Keras: v = m v - lr g; p += v (nesterov: p += m v - lr g with the new v). A missing velocity is zero.
    const r = tf.tidy(() => {
      const m = tf.scalar(info.momentum);
      const step = tf.mul(tf.scalar(info.learningRate), tf.reshape(grad, flat));
      const v = tf.sub(velocity === null ? tf.zeros(flat) : tf.mul(m, tf.reshape(velocity, flat)), step);
      const p = tf.add(tf.reshape(param, flat), info.nesterov ? tf.sub(tf.mul(m, v), step) : v);
      return { p, v };
    });
    return { param: this.adopt(r.p), velocity: this.adopt(r.v) };
  }

  /** Keras Adam (m given) or RMSprop (m null) as tf ops in one tidy; new handles, core disposes the old ones. */
  adaptiveUpdate(param: Tensor, grad: Tensor, m: Tensor | null, v: Tensor, info: AdaptiveInfo): AdaptiveResult<Tensor> {
    this.inputs.adaptiveUpdate(param, grad, m, v, info);
    const tf = this.tf;
    this.activate();
    const flat = [info.size];
    const r = tf.tidy(() => {
      const g = tf.reshape(grad, flat);
      // 1 - beta in float64 here, rounded once by tf.scalar (see core's AdaptiveInfo).
      const nextV = tf.add(tf.mul(tf.scalar(info.beta2), tf.reshape(v, flat)), tf.mul(tf.scalar(1 - info.beta2), tf.mul(g, g)));
      const nextM = m === null ? null : tf.add(tf.mul(tf.scalar(info.beta1), tf.reshape(m, flat)), tf.mul(tf.scalar(1 - info.beta1), g));
      const step = tf.div(tf.mul(tf.scalar(info.learningRate), nextM ?? g), tf.add(tf.sqrt(nextV), tf.scalar(info.epsilon)));
      return nextM === null ? [tf.sub(tf.reshape(param, flat), step), nextV] : [tf.sub(tf.reshape(param, flat), step), nextV, nextM];
    });
    return { param: this.adopt(r[0]!), m: r[2] ? this.adopt(r[2]) : null, v: this.adopt(r[1]!) };
  }

  /** Disposes every handle still live and the cached constants; the shared tfjs engine stays up for others. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.registry.drain()) t.dispose();
    for (const t of this.constants.values()) t.dispose();
    this.constants.clear();
  }

  /** Runs one primitive's ops in a tidy so every intermediate is freed; the result is a new caller-owned handle. */
  private run(body: () => Tensor): Tensor {
    this.activate();
    return this.adopt(this.tf.tidy(body));
  }

  /**
   * tfjs has one global engine; if another backend instance switched it to another runtime, switch back.
   * setBackend of an initialised backend takes effect synchronously (only first-time init awaits).
   */
  private activate(): void {
    this.assertOpen();
    if (this.tf.getBackend() !== this.backendName) void this.tf.setBackend(this.backendName);
  }

  private constant(key: string, values: () => Float32Array): Tensor {
    const cached = this.constants.get(key);
    if (cached !== undefined) return cached;
    if (this.constants.size >= MAX_CACHED_CONSTANTS) {
      const [oldestKey, oldest] = this.constants.entries().next().value as [string, Tensor];
      oldest.dispose();
      this.constants.delete(oldestKey);
    }
    // Kept: this is called inside a primitive's tidy, which must not free the cache.
    const t = this.tf.keep(this.tf.tensor1d(values(), 'float32'));
    this.constants.set(key, t);
    return t;
  }

  /** Every primitive's inputs, checked live and of the size the geometry says (core declares which). */
  private readonly inputs = primitiveInputs<Tensor>((handle, size, what) => {
    this.assertOpen();
    this.assertLive(handle, what);
    assertElements('tfjs', what, handle.size, size);
  });

  private assertLive(handle: Tensor, what: string): void {
    // A tensor disposed behind our back (tf.disposeVariables, another tidy) is as dead as one we disposed.
    if (handle.isDisposed) throw HandleError.disposed('tfjs', what);
    this.registry.assertLive(handle, what);
  }

  private adopt(t: Tensor): Tensor {
    return this.registry.add(t, t.size * 4);
  }

  private assertOpen(): void {
    if (this.closed) throw HandleError.closed('tfjs');
  }
}

function applyActivation(tf: Tf, x: Tensor, kind: ActivationKind): Tensor {
  switch (kind) {
    case 'linear':
      return tf.clone(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'relu':
      return tf.relu(x);
    default:
      throw new Error(`tfjs backend: unknown activation '${String(kind)}'; expected linear, sigmoid or relu`);
  }
}

/** Loads the requested TensorFlow.js runtime (async: wasm compiles its binary) and returns the backend. */
export async function createTfjsBackend(options: TfjsBackendOptions = {}): Promise<TfjsBackend> {
  const requested = options.runtime ?? 'auto';
  return new TfjsBackend(await loadRuntime(requested, { wasmPaths: options.wasmPaths }), requested);
}
