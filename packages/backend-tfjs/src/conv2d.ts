import type { ActivationKind, Conv2DInfo } from '@lenet-ts/core';
import type { Rank, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { explicitPadding, isZeroPadding, type ExplicitPadding } from './padding.js';
import type { Tf } from './runtime.js';

function padArgument(info: Conv2DInfo): ExplicitPadding | 'valid' {
  const pad = explicitPadding(info);
  return isZeroPadding(pad) ? 'valid' : pad;
}

/** y = act(conv2d(x, filter) + bias) as one fused tfjs kernel (FusedConv2D exists on node, wasm and cpu). */
export function conv2dForward(tf: Tf, x: Tensor, filter: Tensor, bias: Tensor | null, info: Conv2DInfo, activation: ActivationKind): Tensor {
  return tf.fused.conv2d({
    x: tf.reshape<Rank.R4>(x, [...info.inShape]),
    filter: tf.reshape<Rank.R4>(filter, [...info.filterShape]),
    strides: [info.strideHeight, info.strideWidth],
    pad: padArgument(info),
    bias: bias === null ? undefined : tf.reshape<Rank.R1>(bias, [info.outChannels]),
    activation,
  });
}

/**
 * dL/dx. With stride 1 it is the convolution of dy, padded by (kernel - 1 - leading padding), with the
 * filter rotated 180 degrees and its channel axes swapped: XNNPACK runs that several times faster than
 * wasm's Conv2DBackpropInput loop. Strided convolutions use the transposed convolution.
 */
export function conv2dBackwardInput(tf: Tf, dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  const gradient = tf.reshape<Rank.R4>(dy, [...info.outShape]);
  const weights = tf.reshape<Rank.R4>(filter, [...info.filterShape]);
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    const top = info.filterHeight - 1 - info.padTop;
    const left = info.filterWidth - 1 - info.padLeft;
    const pad: ExplicitPadding = [
      [0, 0],
      [top, info.inHeight + info.filterHeight - 1 - info.outHeight - top],
      [left, info.inWidth + info.filterWidth - 1 - info.outWidth - left],
      [0, 0],
    ];
    const rotated = tf.transpose(tf.reverse(weights, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(gradient, rotated, 1, isZeroPadding(pad) ? 'valid' : pad);
  }
  return tf.conv2dTranspose(gradient, weights, [...info.inShape], [info.strideHeight, info.strideWidth], padArgument(info));
}

/**
 * dL/dfilter without Conv2DBackpropFilter (wasm lacks it). The filter gradient
 *   dW[kh,kw,c,f] = sum over n,oh,ow of xpad[n, oh*sh + kh, ow*sw + kw, c] * dy[n,oh,ow,f]
 * is itself a stride-1 convolution of x, with batch and channels swapped ([C,H,W,N]), by dy used as the
 * filter ([OH,OW,N,F]) dilated by the forward stride; its [C,KH,KW,F] output is transposed to HWIO.
 */
export function conv2dBackwardFilter(tf: Tf, x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
  const { padTop, padLeft, strideHeight: sh, strideWidth: sw } = info;
  // Rows/columns the gradient convolution reads, counted from the first (padded) row/column.
  const spanHeight = (info.outHeight - 1) * sh + info.filterHeight;
  const spanWidth = (info.outWidth - 1) * sw + info.filterWidth;
  // 'valid' with a stride can leave trailing input rows no window touches: crop them, pad the rest.
  const usedHeight = Math.min(info.inHeight, spanHeight - padTop);
  const usedWidth = Math.min(info.inWidth, spanWidth - padLeft);
  let input = tf.reshape<Rank.R4>(x, [...info.inShape]);
  if (usedHeight < info.inHeight || usedWidth < info.inWidth) {
    input = tf.slice(input, [0, 0, 0, 0], [info.batch, usedHeight, usedWidth, info.inChannels]);
  }
  const pad: ExplicitPadding = [
    [0, 0],
    [padTop, spanHeight - padTop - usedHeight],
    [padLeft, spanWidth - padLeft - usedWidth],
    [0, 0],
  ];
  const gradient = tf.conv2d(
    tf.transpose(input, [3, 1, 2, 0]),
    tf.transpose<Tensor4D>(tf.reshape(dy, [...info.outShape]), [1, 2, 0, 3]),
    1,
    isZeroPadding(pad) ? 'valid' : pad,
    'NHWC',
    [sh, sw],
  );
  return tf.transpose(gradient, [1, 2, 0, 3]);
}
