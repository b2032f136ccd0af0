/**
 * A model from elsewhere that lenet-ts cannot represent exactly (a layer, a setting, a weight format):
 * one line naming what and where, so the user knows which part to change before converting again.
 */
export class UnsupportedModelError extends Error {
  override readonly name = 'UnsupportedModelError';
}

/** What every refusal ends with: what an importable model may hold. */
export const IMPORTABLE =
  'lenet-ts imports Sequential models of Rescaling (first, no offset), Conv2D, MaxPooling2D, Flatten, Dense and Activation layers (linear, relu, sigmoid; softmax on the last layer only), channels-last, float32';
