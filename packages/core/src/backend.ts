import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from './geometry.js';

/**
 * Version of the Backend contract below. A backend declares the version it implements; core refuses
 * a backend built for another major version instead of failing somewhere inside a training step.
 * v2 added `adaptiveUpdate` (Adam, RMSprop).
 */
export const BACKEND_API_VERSION = 2 as const;

/** Element-wise activations a backend fuses into conv2d/matmul or applies on its own. */
export type ActivationKind = 'linear' | 'sigmoid' | 'relu';

/**
 * Losses computed by one fused primitive that also yields the gradient with respect to its input.
 * - `sparse-categorical-crossentropy`: TF 2.0 Keras semantics on probabilities (here: sigmoid outputs):
 *   q = clip(p, eps, 1 - eps); loss_i = -log(q_{i,y} / sum_j q_{i,j}).
 * - `softmax-cross-entropy`: softmax over logits then -log(softmax_y), computed stably.
 * Both are averaged over the batch; the gradient is of that mean.
 */
export type LossKind = 'sparse-categorical-crossentropy' | 'softmax-cross-entropy';

export interface LossInfo {
  readonly kind: LossKind;
  /** Rows in the batch. */
  readonly batch: number;
  /** Classes per row. */
  readonly classes: number;
  /** Clip epsilon for the probability loss (Keras `epsilon()`, 1e-7). */
  readonly epsilon: number;
}

export interface LossResult<H> {
  /** One element: the batch-mean loss. */
  readonly loss: H;
  /** One element: how many rows have argmax(input) == label (first index wins ties). */
  readonly correct: H;
  /** d(mean loss)/d(input), shaped like the input. */
  readonly gradient: H;
}

export interface SgdInfo {
  readonly size: number;
  readonly learningRate: number;
  /** 0 for plain SGD. */
  readonly momentum: number;
  readonly nesterov: boolean;
}

export interface SgdResult<H> {
  /** The updated parameter. May be the same handle as the input (updated in place) or a new one. */
  readonly param: H;
  /** The updated velocity (momentum > 0), same in-place rule; null for plain SGD. */
  readonly velocity: H | null;
}

/**
 * The adaptive optimizers, fused into one primitive (Keras TF 2.x semantics, float32 all the way):
 * - `adam`:    m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2;  p -= learningRate m / (sqrt(v) + epsilon)
 * - `rmsprop`: v = beta2 v + (1 - beta2) g^2;  p -= learningRate g / (sqrt(v) + epsilon)   (beta2 is Keras' rho; no m)
 * For Adam, core passes the step's bias-corrected rate lr sqrt(1 - beta2^t) / (1 - beta1^t), so backends keep no step count.
 * Backends take 1 - beta1 and 1 - beta2 on the host in float64 and round once: a float32 1 - 0.999f is
 * 0.00099998713, 1.3e-5 off, which a shader subtracting itself would bake into every v (the suite catches it).
 */
export type AdaptiveKind = 'adam' | 'rmsprop';

export interface AdaptiveInfo {
  readonly kind: AdaptiveKind;
  readonly size: number;
  /** This step's rate: Adam's already bias-corrected alpha, RMSprop's plain learning rate. */
  readonly learningRate: number;
  /** Decay of the first moment m (Adam's beta_1); unused by RMSprop. */
  readonly beta1: number;
  /** Decay of the second moment v (Adam's beta_2, RMSprop's rho). */
  readonly beta2: number;
  /** Added to sqrt(v), outside the root, as Keras does (Kingma and Ba's "epsilon hat"). */
  readonly epsilon: number;
}

export interface AdaptiveResult<H> {
  /** The updated parameter. May be the same handle as the input (updated in place) or a new one. */
  readonly param: H;
  /** The updated first moment (Adam), same in-place rule; null for RMSprop, which is called with m = null. */
  readonly m: H | null;
  /** The updated second moment, same in-place rule. */
  readonly v: H;
}

export interface BackendMemory {
  /** Live handles this backend owns (tensors, textures, buffers). */
  readonly handles: number;
  /** Bytes those handles hold, as far as the backend can tell. */
  readonly bytes: number;
}

/**
 * The compute contract. Handles (`H`) are opaque and backend-owned: a Float32Array, a gpu.js texture, a
 * tf.Tensor. All tensors are float32 in NHWC layout (like Keras and tfjs). Geometry is computed once in
 * core (see geometry.ts) and passed in; backends never re-derive output sizes.
 *
 * Every primitive returns a fresh handle the caller owns (except where SgdResult/AdaptiveResult say otherwise) and never
 * mutates its inputs. Dispatch is synchronous; only `read` is async (WebGPU has no sync readback).
 */
export interface Backend<H = unknown> {
  readonly apiVersion: typeof BACKEND_API_VERSION;
  /** Short id, e.g. `cpu`: the provider's name. */
  readonly name: string;
  /** The mode that actually runs (`wasm` when `auto` picked it); absent for a backend without modes. */
  readonly mode?: string;
  /** What actually runs underneath, e.g. `SIMD, 1 thread; tfjs-node not used: ...`. */
  readonly description: string;
  /**
   * For a backend meant for a GPU: true on a hardware GPU, false when it runs on the CPU (a software
   * renderer such as llvmpipe, or a CPU fallback), null when it cannot tell. Absent for CPU backends.
   */
  readonly hardware?: boolean | null;

  // Memory: the only places data crosses the device boundary.
  upload(data: Float32Array): H;
  read(handle: H): Promise<Float32Array>;
  dispose(handle: H): void;
  memory(): BackendMemory;

  // Forward.
  /** y = act(conv2d(x, filter) + bias). x: [N,H,W,C], filter: [KH,KW,C,F] (HWIO), bias: [F] or null. */
  conv2d(x: H, filter: H, bias: H | null, info: Conv2DInfo, activation: ActivationKind): H;
  /** y = act(op(a) @ op(b) + bias), op = transpose when asked. a: [M,K] (or [K,M]), b: [K,N] (or [N,K]). */
  matMul(a: H, b: H, bias: H | null, info: MatMulInfo, activation: ActivationKind): H;
  /** Max pooling; also returns the flat input index each output came from (first max wins ties). */
  maxPool(x: H, info: Pool2DInfo): { readonly y: H; readonly argmax: H };
  activation(x: H, size: number, kind: ActivationKind): H;
  /** Row-wise softmax of [rows, cols]. */
  softmax(x: H, rows: number, cols: number): H;

  // Backward.
  /** dL/dx of conv2d given dL/dy (already through the activation). */
  conv2dBackwardInput(dy: H, filter: H, info: Conv2DInfo): H;
  /** dL/dfilter of conv2d given x and dL/dy. */
  conv2dBackwardFilter(x: H, dy: H, info: Conv2DInfo): H;
  /** Scatters dy to the argmax positions; other positions get 0. */
  maxPoolBackward(dy: H, argmax: H, info: Pool2DInfo): H;
  /** dL/dx given dL/dy and the activation's *output* y (sigmoid: y(1-y), relu: y > 0). */
  activationBackward(dy: H, y: H, size: number, kind: ActivationKind): H;
  /** Sum of dy [rows, channels] over rows: the bias gradient of conv2d (rows = N*H*W) and matmul. */
  biasGrad(dy: H, rows: number, channels: number): H;

  // Loss and optimizer.
  /** Fused loss, its gradient and the correct-prediction count. `labels` holds class ids as floats. */
  loss(input: H, labels: H, info: LossInfo): LossResult<H>;
  sgdUpdate(param: H, grad: H, velocity: H | null, info: SgdInfo): SgdResult<H>;
  /** Adam (m given) or RMSprop (m null) on one tensor; see AdaptiveInfo for the exact update. */
  adaptiveUpdate(param: H, grad: H, m: H | null, v: H, info: AdaptiveInfo): AdaptiveResult<H>;

  /** Releases everything the backend holds (contexts, workers). The backend is unusable afterwards. */
  close?(): void;
}

/** The id of what runs, as users type it: `name`, or `name:mode` (never just the mode's name). */
export function backendId(backend: Pick<Backend, 'name' | 'mode'>): string {
  return backend.mode === undefined ? backend.name : `${backend.name}:${backend.mode}`;
}

/** Thrown when a backend built for another contract version is handed to core. */
export class BackendVersionError extends Error {
  constructor(name: string, version: number) {
    super(`backend "${name}" implements Backend API v${version}, this @lenet-ts/core needs v${BACKEND_API_VERSION}; install matching versions`);
    this.name = 'BackendVersionError';
  }
}

export function assertBackendVersion(backend: Backend): void {
  if (backend.apiVersion !== BACKEND_API_VERSION) throw new BackendVersionError(backend.name, backend.apiVersion);
}
