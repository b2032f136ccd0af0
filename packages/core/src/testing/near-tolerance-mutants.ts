// Backends broken by a little: each mutant differs from the reference backend by one small, realistic bug
// whose error sits near the suite's float32 allowances (one dropped term, a few lost mantissa bits) or shows
// only on the inputs that exist to expose it (clip bounds, partial batches, large logits, uneven padding,
// aliasing). near-tolerance-mutants.test.ts pins which checks each one fails.
import type { ActivationKind, LossInfo, LossResult, SgdInfo, SgdResult } from '../backend.js';
import type { Conv2DInfo } from '../geometry.js';
import { ReferenceBackend } from './reference-backend.js';

const f32 = Math.fround;

/** Rounds to `bits` mantissa bits (float32 has 23): a reduced-precision unit such as a fast GPU exp. */
export function roundToMantissaBits(v: number, bits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const exponent = Math.floor(Math.log2(Math.abs(v)));
  const quantum = 2 ** (exponent - bits);
  return f32(Math.round(v / quantum) * quantum);
}

/**
 * conv2dBackwardFilter drops one product of its long sums: the last output pixel of the last sample (an
 * off-by-one at the end of the loop), one term in 18432 for LeNet's conv1.
 */
export class DroppedTermFilterGradientBackend extends ReferenceBackend {
  override conv2dBackwardFilter(xHandle: Float32Array, dyHandle: Float32Array, info: Conv2DInfo): Float32Array {
    const dFilter = super.conv2dBackwardFilter(xHandle, dyHandle, info);
    const [x, dy] = [this.data(xHandle), this.data(dyHandle)];
    const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: F, filterHeight: KH, filterWidth: KW } = info;
    const [n, oh, ow] = [info.batch - 1, OH - 1, OW - 1];
    for (let kh = 0; kh < KH; kh++) {
      const ih = oh * info.strideHeight - info.padTop + kh;
      if (ih < 0 || ih >= H) continue;
      for (let kw = 0; kw < KW; kw++) {
        const iw = ow * info.strideWidth - info.padLeft + kw;
        if (iw < 0 || iw >= W) continue;
        for (let c = 0; c < C; c++) {
          for (let f = 0; f < F; f++) {
            const i = ((kh * KW + kw) * C + c) * F + f;
            dFilter[i] = f32(dFilter[i]! - f32(x[((n * H + ih) * W + iw) * C + c]! * dy[((n * OH + oh) * OW + ow) * F + f]!));
          }
        }
      }
    }
    return dFilter;
  }
}

/**
 * The sigmoid activation keeps 19 mantissa bits instead of 23 (a fast, low-precision exp): up to 16 float32
 * roundings, twice the 8 an element-wise result is allowed (with 20 bits it would sit exactly at the allowance).
 */
export class ReducedPrecisionSigmoidBackend extends ReferenceBackend {
  override activation(x: Float32Array, size: number, kind: ActivationKind): Float32Array {
    const y = super.activation(x, size, kind);
    if (kind === 'sigmoid') for (let i = 0; i < size; i++) y[i] = roundToMantissaBits(y[i]!, 19);
    return y;
  }
}

/**
 * biasGrad takes a fast path for long sums (1024 rows and more) whose running total keeps 17 mantissa bits, 64
 * times float32's rounding; short sums stay exact float32.
 */
export class LossyLongBiasGradBackend extends ReferenceBackend {
  override biasGrad(dyHandle: Float32Array, rows: number, channels: number): Float32Array {
    if (rows < 1024) return super.biasGrad(dyHandle, rows, channels);
    const dy = this.data(dyHandle);
    const db = new Float32Array(channels);
    for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) db[c] = roundToMantissaBits(db[c]! + dy[r * channels + c]!, 17);
    return this.own(db);
  }
}

/** The probability loss clips with strict bounds: a probability exactly at 1e-7 or 1 - 1e-7 loses its gradient. */
export class StrictClipLossBackend extends ReferenceBackend {
  override loss(input: Float32Array, labels: Float32Array, info: LossInfo): LossResult<Float32Array> {
    const result = super.loss(input, labels, info);
    if (info.kind !== 'sparse-categorical-crossentropy') return result;
    const lo = f32(info.epsilon);
    const hi = f32(1 - lo);
    for (let i = 0; i < info.batch * info.classes; i++) if (input[i] === lo || input[i] === hi) result.gradient[i] = 0;
    return result;
  }
}

/** The loss and its gradient are averaged over the full batch of 32 even when fewer rows came (the partial last batch). */
export class FixedBatchMeanLossBackend extends ReferenceBackend {
  override loss(input: Float32Array, labels: Float32Array, info: LossInfo): LossResult<Float32Array> {
    const result = super.loss(input, labels, info);
    const wrong = info.batch / 32;
    result.loss[0] = f32(result.loss[0]! * wrong);
    for (let i = 0; i < result.gradient.length; i++) result.gradient[i] = f32(result.gradient[i]! * wrong);
    return result;
  }
}

/** softmax exponentiates the logits as they are, without subtracting the row maximum first. */
export class UnshiftedSoftmaxBackend extends ReferenceBackend {
  override softmax(x: Float32Array, rows: number, cols: number): Float32Array {
    const y = this.upload(new Float32Array(rows * cols));
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < cols; c++) sum = f32(sum + (y[r * cols + c] = f32(Math.exp(x[r * cols + c]!))));
      for (let c = 0; c < cols; c++) y[r * cols + c] = f32(y[r * cols + c]! / sum);
    }
    return y;
  }
}

/** Nesterov momentum steps with the velocity before this update (p += m v_old - lr g) instead of the new one. */
export class StaleNesterovBackend extends ReferenceBackend {
  override sgdUpdate(param: Float32Array, grad: Float32Array, velocity: Float32Array | null, info: SgdInfo): SgdResult<Float32Array> {
    if (!info.nesterov || velocity === null) return super.sgdUpdate(param, grad, velocity, info);
    const old = Float32Array.from(velocity);
    const result = super.sgdUpdate(param, grad, velocity, info);
    for (let i = 0; i < info.size; i++) result.param[i] = f32(f32(param[i]! + f32(info.momentum * old[i]!)) - f32(info.learningRate * grad[i]!));
    return result;
  }
}

/**
 * conv2dBackwardInput puts the larger half of an odd 'same' padding at the top instead of the bottom (TF
 * pads bottom and right more): only kernels whose total padding is odd see it.
 */
export class TopHeavyPaddingBackend extends ReferenceBackend {
  override conv2dBackwardInput(dy: Float32Array, filter: Float32Array, info: Conv2DInfo): Float32Array {
    const totalTop = Math.max((info.outHeight - 1) * info.strideHeight + info.filterHeight - info.inHeight, 0);
    const totalLeft = Math.max((info.outWidth - 1) * info.strideWidth + info.filterWidth - info.inWidth, 0);
    return super.conv2dBackwardInput(dy, filter, { ...info, padTop: totalTop - info.padTop, padLeft: totalLeft - info.padLeft });
  }
}

/** upload keeps the caller's array as the handle instead of copying it. */
export class AliasingUploadBackend extends ReferenceBackend {
  override upload(data: Float32Array): Float32Array {
    return this.own(data);
  }
}

/** read hands out the handle's own storage instead of a copy. */
export class AliasingReadBackend extends ReferenceBackend {
  override async read(handle: Float32Array): Promise<Float32Array> {
    return this.data(handle);
  }
}
