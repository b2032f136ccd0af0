import type { Conv2DInfo } from '@lenet-ts/core';

/**
 * Which kernel variant runs a convolution (the task's flags; assembly/index.ts dispatches on them). The
 * LeNet-shaped kernels (assembly/conv2d-lenet.ts) need stride 1 and 'valid' padding plus the channel
 * counts below; everything else takes the general kernels. The choice depends on shapes only, never on
 * the thread count, so results stay identical across thread counts.
 */
function plainWindow(info: Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padTop === 0 &&
    info.padLeft === 0 &&
    info.inHeight === info.outHeight + info.filterHeight - 1 &&
    info.inWidth === info.outWidth + info.filterWidth - 1
  );
}

export const ConvForward = { general: 0, singleChannel: 1, pixelQuads: 2 } as const;
export const ConvBackwardInput = { generalRows: 0, filterRowSamples: 1 } as const;
export const ConvBackwardFilter = { general: 0, channelPairs: 1, singleChannel: 2 } as const;

export function convForwardKernel(info: Conv2DInfo): number {
  if (!plainWindow(info)) return ConvForward.general;
  if (info.inChannels === 1 && info.outChannels === 6 && info.outWidth % 4 === 0) return ConvForward.singleChannel;
  if (info.outChannels % 8 === 0 && info.outWidth % 4 === 0) return ConvForward.pixelQuads;
  return ConvForward.general;
}

export function convBackwardInputKernel(info: Conv2DInfo): number {
  if (plainWindow(info) && info.outWidth % 4 === 0) return ConvBackwardInput.filterRowSamples;
  return ConvBackwardInput.generalRows;
}

/** Floats of the filter packed for the filter-row kernel: [KH][F][KW*C rounded up to 8] (as assembly/ computes it). */
export function filterRowsFloats(info: Conv2DInfo): number {
  return info.filterHeight * info.outChannels * Math.ceil((info.filterWidth * info.inChannels) / 8) * 8;
}

export function convBackwardFilterKernel(info: Conv2DInfo): number {
  if (!plainWindow(info)) return ConvBackwardFilter.general;
  if (info.outChannels === 16 && info.inChannels % 2 === 0) return ConvBackwardFilter.channelPairs;
  if (info.inChannels === 1 && info.filterWidth === 5 && info.outChannels > 4 && info.outChannels <= 8) return ConvBackwardFilter.singleChannel;
  return ConvBackwardFilter.general;
}
