import type { ActivationKind, AdaptiveInfo, AdaptiveResult, Backend, BackendMemory, LossInfo, LossResult, SgdInfo, SgdResult } from '../backend.js';
import { BACKEND_API_VERSION } from '../backend.js';
import type { Conv2DInfo, MatMulInfo, Pool2DInfo } from '../geometry.js';

const f32 = Math.fround;

function activate(v: number, kind: ActivationKind): number {
  if (kind === 'sigmoid') return f32(1 / (1 + Math.exp(-v)));
  if (kind === 'relu') return v > 0 ? v : 0;
  return v;
}

/**
 * The simplest complete Backend: naive loops over Float32Array handles that round every product and every
 * running sum to float32 (Math.fround), so its errors are those of a plain float32 loop, the worst
 * accumulation order a real backend is likely to have. It validates the conformance suite and shows what
 * a backend has to implement; it is not meant to be fast.
 */
export class ReferenceBackend implements Backend<Float32Array> {
  readonly apiVersion = BACKEND_API_VERSION;
  readonly name: string = 'reference';
  readonly description: string = 'naive float32 loops (@lenet-ts/core/testing)';
  private readonly live = new Set<Float32Array>();
  private liveBytes = 0;

  upload(data: Float32Array): Float32Array {
    return this.own(Float32Array.from(data));
  }

  async read(handle: Float32Array): Promise<Float32Array> {
    return Float32Array.from(this.data(handle));
  }

  dispose(handle: Float32Array): void {
    this.data(handle);
    this.live.delete(handle);
    this.liveBytes -= handle.byteLength;
  }

  memory(): BackendMemory {
    return { handles: this.live.size, bytes: this.liveBytes };
  }

  /** Registers a freshly allocated result as a live handle. */
  protected own(data: Float32Array): Float32Array {
    this.live.add(data);
    this.liveBytes += data.byteLength;
    return data;
  }

  /** The data behind a handle; throws on handles that were disposed or never made here. */
  protected data(handle: Float32Array): Float32Array {
    if (!this.live.has(handle)) throw new Error('reference backend: handle was disposed or does not belong to this backend');
    return handle;
  }

  conv2d(xHandle: Float32Array, filterHandle: Float32Array, biasHandle: Float32Array | null, info: Conv2DInfo, kind: ActivationKind): Float32Array {
    const x = this.data(xHandle);
    const filter = this.data(filterHandle);
    const bias = biasHandle ? this.data(biasHandle) : null;
    const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
    const y = new Float32Array(info.batch * OH * OW * F);
    for (let n = 0; n < info.batch; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          for (let f = 0; f < F; f++) {
            let sum = bias ? bias[f]! : 0;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * info.strideHeight - info.padTop + kh;
              if (ih < 0 || ih >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * info.strideWidth - info.padLeft + kw;
                if (iw < 0 || iw >= W) continue;
                for (let c = 0; c < C; c++) {
                  sum = f32(sum + f32(x[((n * H + ih) * W + iw) * C + c]! * filter[((kh * KW + kw) * C + c) * F + f]!));
                }
              }
            }
            y[((n * OH + oh) * OW + ow) * F + f] = activate(sum, kind);
          }
        }
      }
    }
    return this.own(y);
  }

  conv2dBackwardInput(dyHandle: Float32Array, filterHandle: Float32Array, info: Conv2DInfo): Float32Array {
    const dy = this.data(dyHandle);
    const filter = this.data(filterHandle);
    const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
    const dx = new Float32Array(info.batch * H * W * C);
    // Gather form: each input pixel sums the outputs whose window covered it.
    for (let n = 0; n < info.batch; n++) {
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          for (let c = 0; c < C; c++) {
            let sum = 0;
            for (let kh = 0; kh < KH; kh++) {
              const rowOffset = ih + info.padTop - kh;
              if (rowOffset < 0 || rowOffset % info.strideHeight !== 0) continue;
              const oh = rowOffset / info.strideHeight;
              if (oh >= OH) continue;
              for (let kw = 0; kw < KW; kw++) {
                const colOffset = iw + info.padLeft - kw;
                if (colOffset < 0 || colOffset % info.strideWidth !== 0) continue;
                const ow = colOffset / info.strideWidth;
                if (ow >= OW) continue;
                for (let f = 0; f < F; f++) {
                  sum = f32(sum + f32(dy[((n * OH + oh) * OW + ow) * F + f]! * filter[((kh * KW + kw) * C + c) * F + f]!));
                }
              }
            }
            dx[((n * H + ih) * W + iw) * C + c] = sum;
          }
        }
      }
    }
    return this.own(dx);
  }

  conv2dBackwardFilter(xHandle: Float32Array, dyHandle: Float32Array, info: Conv2DInfo): Float32Array {
    const x = this.data(xHandle);
    const dy = this.data(dyHandle);
    const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
    const dFilter = new Float32Array(KH * KW * C * F);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        for (let c = 0; c < C; c++) {
          for (let f = 0; f < F; f++) {
            let sum = 0;
            for (let n = 0; n < info.batch; n++) {
              for (let oh = 0; oh < OH; oh++) {
                const ih = oh * info.strideHeight - info.padTop + kh;
                if (ih < 0 || ih >= H) continue;
                for (let ow = 0; ow < OW; ow++) {
                  const iw = ow * info.strideWidth - info.padLeft + kw;
                  if (iw < 0 || iw >= W) continue;
                  sum = f32(sum + f32(x[((n * H + ih) * W + iw) * C + c]! * dy[((n * OH + oh) * OW + ow) * F + f]!));
                }
              }
            }
            dFilter[((kh * KW + kw) * C + c) * F + f] = sum;
          }
        }
      }
    }
    return this.own(dFilter);
  }

  maxPool(xHandle: Float32Array, info: Pool2DInfo): { y: Float32Array; argmax: Float32Array } {
    const x = this.data(xHandle);
    const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = info;
    const y = new Float32Array(info.batch * OH * OW * C);
    const argmax = new Float32Array(y.length);
    for (let n = 0; n < info.batch; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let bestIndex = -1;
            for (let ph = 0; ph < info.poolHeight; ph++) {
              const ih = oh * info.strideHeight - info.padTop + ph;
              if (ih < 0 || ih >= H) continue;
              for (let pw = 0; pw < info.poolWidth; pw++) {
                const iw = ow * info.strideWidth - info.padLeft + pw;
                if (iw < 0 || iw >= W) continue;
                const index = ((n * H + ih) * W + iw) * C + c;
                // Strictly greater: the first maximum in window order wins ties.
                if (x[index]! > best) {
                  best = x[index]!;
                  bestIndex = index;
                }
              }
            }
            const o = ((n * OH + oh) * OW + ow) * C + c;
            y[o] = best;
            argmax[o] = bestIndex;
          }
        }
      }
    }
    return { y: this.own(y), argmax: this.own(argmax) };
  }

  maxPoolBackward(dyHandle: Float32Array, argmaxHandle: Float32Array, info: Pool2DInfo): Float32Array {
    const dy = this.data(dyHandle);
    const argmax = this.data(argmaxHandle);
    const dx = new Float32Array(info.batch * info.inHeight * info.inWidth * info.channels);
    for (let o = 0; o < dy.length; o++) dx[argmax[o]!] = f32(dx[argmax[o]!]! + dy[o]!);
    return this.own(dx);
  }

  matMul(aHandle: Float32Array, bHandle: Float32Array, biasHandle: Float32Array | null, info: MatMulInfo, kind: ActivationKind): Float32Array {
    const a = this.data(aHandle);
    const b = this.data(bHandle);
    const bias = biasHandle ? this.data(biasHandle) : null;
    const { m, k, n, transposeA, transposeB } = info;
    const y = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = bias ? bias[j]! : 0;
        for (let p = 0; p < k; p++) {
          sum = f32(sum + f32((transposeA ? a[p * m + i]! : a[i * k + p]!) * (transposeB ? b[j * k + p]! : b[p * n + j]!)));
        }
        y[i * n + j] = activate(sum, kind);
      }
    }
    return this.own(y);
  }

  activation(xHandle: Float32Array, size: number, kind: ActivationKind): Float32Array {
    const x = this.data(xHandle);
    const y = new Float32Array(size);
    for (let i = 0; i < size; i++) y[i] = activate(x[i]!, kind);
    return this.own(y);
  }

  softmax(xHandle: Float32Array, rows: number, cols: number): Float32Array {
    const x = this.data(xHandle);
    const y = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, x[r * cols + c]!);
      let sum = 0;
      for (let c = 0; c < cols; c++) sum = f32(sum + (y[r * cols + c] = f32(Math.exp(f32(x[r * cols + c]! - max)))));
      for (let c = 0; c < cols; c++) y[r * cols + c] = f32(y[r * cols + c]! / sum);
    }
    return this.own(y);
  }

  activationBackward(dyHandle: Float32Array, yHandle: Float32Array, size: number, kind: ActivationKind): Float32Array {
    const dy = this.data(dyHandle);
    const y = this.data(yHandle);
    const dx = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      if (kind === 'sigmoid') dx[i] = f32(f32(dy[i]! * y[i]!) * f32(1 - y[i]!));
      else if (kind === 'relu') dx[i] = y[i]! > 0 ? dy[i]! : 0;
      else dx[i] = dy[i]!;
    }
    return this.own(dx);
  }

  biasGrad(dyHandle: Float32Array, rows: number, channels: number): Float32Array {
    const dy = this.data(dyHandle);
    const db = new Float32Array(channels);
    for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) db[c] = f32(db[c]! + dy[r * channels + c]!);
    return this.own(db);
  }

  loss(inputHandle: Float32Array, labelsHandle: Float32Array, info: LossInfo): LossResult<Float32Array> {
    const input = this.data(inputHandle);
    const labels = this.data(labelsHandle);
    const { batch, classes } = info;
    const gradient = new Float32Array(batch * classes);
    const lo = f32(info.epsilon);
    const hi = f32(1 - lo);
    let total = 0;
    let correct = 0;
    for (let r = 0; r < batch; r++) {
      const row = r * classes;
      const label = labels[r]!;
      let best = 0;
      for (let c = 1; c < classes; c++) if (input[row + c]! > input[row + best]!) best = c;
      if (best === label) correct++;
      if (info.kind === 'sparse-categorical-crossentropy') {
        let sum = 0;
        for (let c = 0; c < classes; c++) sum = f32(sum + Math.min(Math.max(input[row + c]!, lo), hi));
        const target = Math.min(Math.max(input[row + label]!, lo), hi);
        total = f32(total + f32(Math.log(sum) - Math.log(target)));
        for (let c = 0; c < classes; c++) {
          const p = input[row + c]!;
          const g = p >= lo && p <= hi ? f32(1 / sum) - (c === label ? f32(1 / target) : 0) : 0;
          gradient[row + c] = f32(f32(g) / batch);
        }
      } else {
        let max = -Infinity;
        for (let c = 0; c < classes; c++) max = Math.max(max, input[row + c]!);
        let sum = 0;
        for (let c = 0; c < classes; c++) sum = f32(sum + f32(Math.exp(f32(input[row + c]! - max))));
        total = f32(total + f32(f32(Math.log(sum)) - f32(input[row + label]! - max)));
        for (let c = 0; c < classes; c++) {
          const p = f32(f32(Math.exp(f32(input[row + c]! - max))) / sum);
          gradient[row + c] = f32(f32(p - (c === label ? 1 : 0)) / batch);
        }
      }
    }
    return {
      loss: this.own(Float32Array.of(total / batch)),
      correct: this.own(Float32Array.of(correct)),
      gradient: this.own(gradient),
    };
  }

  sgdUpdate(paramHandle: Float32Array, gradHandle: Float32Array, velocityHandle: Float32Array | null, info: SgdInfo): SgdResult<Float32Array> {
    const param = this.data(paramHandle);
    const grad = this.data(gradHandle);
    const { size, learningRate: lr, momentum } = info;
    const next = new Float32Array(size);
    if (velocityHandle === null) {
      for (let i = 0; i < size; i++) next[i] = f32(param[i]! - f32(lr * grad[i]!));
      return { param: this.own(next), velocity: null };
    }
    const velocity = this.data(velocityHandle);
    const nextVelocity = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      // Keras SGD: v = m v - lr g; p += v (Nesterov: p += m v - lr g).
      nextVelocity[i] = f32(f32(momentum * velocity[i]!) - f32(lr * grad[i]!));
      next[i] = info.nesterov ? f32(f32(param[i]! + f32(momentum * nextVelocity[i]!)) - f32(lr * grad[i]!)) : f32(param[i]! + nextVelocity[i]!);
    }
    return { param: this.own(next), velocity: this.own(nextVelocity) };
  }

  adaptiveUpdate(
    paramHandle: Float32Array,
    gradHandle: Float32Array,
    mHandle: Float32Array | null,
    vHandle: Float32Array,
    info: AdaptiveInfo,
  ): AdaptiveResult<Float32Array> {
    const param = this.data(paramHandle);
    const grad = this.data(gradHandle);
    const m = mHandle === null ? null : this.data(mHandle);
    const v = this.data(vHandle);
    if ((m === null) !== (info.kind === 'rmsprop')) throw new Error(`reference backend: adaptiveUpdate ${info.kind} got m ${m === null ? 'null' : 'given'}`);
    const { size } = info;
    // 1 - beta in float64, rounded once (see AdaptiveInfo).
    const [lr, b1, c1, b2, c2, eps] = [info.learningRate, info.beta1, 1 - info.beta1, info.beta2, 1 - info.beta2, info.epsilon].map(f32) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const next = new Float32Array(size);
    const nextM = m === null ? null : new Float32Array(size);
    const nextV = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const g = grad[i]!;
      nextV[i] = f32(f32(b2 * v[i]!) + f32(c2 * f32(g * g)));
      const direction = nextM !== null && m !== null ? (nextM[i] = f32(f32(b1 * m[i]!) + f32(c1 * g))) : g;
      next[i] = f32(param[i]! - f32(f32(lr * direction) / f32(f32(Math.sqrt(nextV[i]!)) + eps)));
    }
    return { param: this.own(next), m: nextM && this.own(nextM), v: this.own(nextV) };
  }
}

export function createReferenceBackend(): ReferenceBackend {
  return new ReferenceBackend();
}
