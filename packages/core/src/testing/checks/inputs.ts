import type { SeededRandom } from '../prng.js';

/** Raw Fashion-MNIST-like pixels: about half background zeros, the rest integers 1..255 (the seed recipe feeds them unscaled). */
export function pixels(random: SeededRandom, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = random.next() < 0.5 ? 0 : 1 + random.int(255);
  return out;
}

/** Keras glorot_uniform for a kernel whose fans are given (conv fans already multiplied by kh*kw). */
export function glorot(random: SeededRandom, size: number, fanIn: number, fanOut: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return random.floats(size, -limit, limit);
}

/** A conv filter [KH,KW,C,F] drawn with glorot_uniform. */
export function convFilter(random: SeededRandom, shape: readonly [number, number, number, number]): Float32Array {
  const [kh, kw, c, f] = shape;
  return glorot(random, kh * kw * c * f, kh * kw * c, kh * kw * f);
}

/** Upstream gradients and other signed test values. */
export function signed(random: SeededRandom, size: number, scale = 1): Float32Array {
  return random.floats(size, -scale, scale);
}

/** Sigmoid outputs, as the layers after conv1 see them. */
export function probabilities(random: SeededRandom, size: number): Float32Array {
  return random.floats(size, 0, 1);
}

/** Class ids 0..classes-1 as floats, the way Backend.loss takes labels. */
export function labels(random: SeededRandom, batch: number, classes: number): Float32Array {
  return random.integers(batch, classes);
}
