import type { Random } from './random.js';

/** Keras `glorot_uniform`: U(-l, l), l = sqrt(6 / (fan_in + fan_out)); conv fans include kh*kw. */
export function glorotUniform(shape: readonly number[], random: Random): Float32Array {
  const { fanIn, fanOut } = fans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.uniform(-limit, limit);
  return values;
}

/** Keras `he_uniform`: U(-l, l), l = sqrt(6 / fan_in); the usual choice for ReLU layers. */
export function heUniform(shape: readonly number[], random: Random): Float32Array {
  const { fanIn } = fans(shape);
  const limit = Math.sqrt(6 / fanIn);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.uniform(-limit, limit);
  return values;
}

export type Initializer = 'glorot_uniform' | 'he_uniform';

export function initialize(kind: Initializer, shape: readonly number[], random: Random): Float32Array {
  return kind === 'he_uniform' ? heUniform(shape, random) : glorotUniform(shape, random);
}

/** Keras fan computation: dense [in, out]; conv [kh, kw, in, out] -> receptive field times channels. */
function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: receptive * shape[shape.length - 2]!, fanOut: receptive * shape[shape.length - 1]! };
}
