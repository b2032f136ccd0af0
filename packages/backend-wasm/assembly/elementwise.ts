// Element-wise kernels and the fixed-order sums. Ranges start at multiples of 4 and run as whole vectors;
// the lanes of a last partial vector are computed and dropped, so every element takes the same path.
import { activateRange, LINEAR, SIGMOID, RELU, store16, storeLanes } from './simd';

/** The activation primitive: the same vector code the fused activations of conv2d and matMul run. */
export function activationRange(x: usize, y: usize, from: i32, to: i32, act: i32): void {
  activateRange(x, y, from, to, act);
}

/** dx = dy * act'(via y): sigmoid y(1-y), relu y > 0, linear 1. */
export function activationBackwardRange(dy: usize, y: usize, dx: usize, from: i32, to: i32, act: i32): void {
  // One loop per activation, whole vectors then the partial last one: a store whose lane count varies
  // in the loop branches, and V8 then recomputes its operands in every branch.
  if (act == SIGMOID) backwardRange(dy, y, dx, from, to, SIGMOID);
  else if (act == RELU) backwardRange(dy, y, dx, from, to, RELU);
  else backwardRange(dy, y, dx, from, to, LINEAR);
}

@inline function backwardRange(dy: usize, y: usize, dx: usize, from: i32, to: i32, act: i32): void {
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, derivative(v128.load(dy + o), v128.load(y + o), act));
  }
  if (i < to) {
    const o = <usize>i << 2;
    storeLanes(dx + o, derivative(v128.load(dy + o), v128.load(y + o), act), to - i);
  }
}

@inline function derivative(d: v128, v: v128, act: i32): v128 {
  if (act == SIGMOID) return f32x4.mul(d, f32x4.mul(v, f32x4.sub(f32x4.splat(1.0), v)));
  if (act == RELU) return v128.and(d, f32x4.gt(v, f32x4.splat(0.0)));
  return d;
}

/**
 * Keras SGD in place, every operation rounded to float32 as TF does: plain p -= lr g; momentum
 * v = m v - lr g, p += v; Nesterov p += m v - lr g with the new v.
 */
export function sgdRange(param: usize, grad: usize, velocity: usize, from: i32, to: i32, lr: f32, momentum: f32, nesterov: bool): void {
  if (velocity == 0) sgdLoop(param, grad, 0, from, to, lr, momentum, 0);
  else if (nesterov) sgdLoop(param, grad, velocity, from, to, lr, momentum, 2);
  else sgdLoop(param, grad, velocity, from, to, lr, momentum, 1);
}

/** kind 0 plain, 1 momentum, 2 Nesterov; whole vectors, then the partial last one (see activationBackwardRange). */
@inline function sgdLoop(param: usize, grad: usize, velocity: usize, from: i32, to: i32, lr: f32, momentum: f32, kind: i32): void {
  const rate = f32x4.splat(lr);
  const m = f32x4.splat(momentum);
  let i = from;
  for (; i + 4 <= to; i += 4) sgdVector(param, grad, velocity, <usize>i << 2, rate, m, kind, 4);
  if (i < to) sgdVector(param, grad, velocity, <usize>i << 2, rate, m, kind, to - i);
}

@inline function sgdVector(param: usize, grad: usize, velocity: usize, o: usize, rate: v128, m: v128, kind: i32, count: i32): void {
  const p = v128.load(param + o);
  const step = f32x4.mul(rate, v128.load(grad + o));
  if (kind == 0) {
    storeLanes(param + o, f32x4.sub(p, step), count);
    return;
  }
  const v = f32x4.sub(f32x4.mul(m, v128.load(velocity + o)), step);
  storeLanes(velocity + o, v, count);
  const delta = kind == 2 ? f32x4.sub(f32x4.mul(m, v), step) : v;
  storeLanes(param + o, f32x4.add(p, delta), count);
}

/**
 * Column sums of rows [from, to) of dy [rows, channels] into partial [channels], 16 channels a pass: each
 * lane is one chain of adds down its column, and four chains in one loop overlap where one at a time
 * waited on each add (conv1's 6 channels: two useful vectors, twice the speed). Loads may run up to 15
 * floats past a row; those lanes are never stored.
 */
export function columnSums(dy: usize, partial: usize, channels: i32, from: i32, to: i32): void {
  const rowBytes = <usize>channels << 2;
  for (let c0 = 0; c0 < channels; c0 += 16) {
    let a0 = f32x4.splat(0.0), a1 = a0, a2 = a0, a3 = a0;
    let p = dy + ((<usize>from * channels + c0) << 2);
    for (let r = from; r < to; r++) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
      p += rowBytes;
    }
    store16(partial + (<usize>c0 << 2), a0, a1, a2, a3, channels - c0);
  }
}

/** out = partial[0] + partial[1] + ... in chunk order: the same sum whatever thread made each partial. */
export function sumPartials(partials: usize, count: i32, size: i32, out: usize): void {
  const stride = <usize>size << 2;
  for (let i = 0; i < size; i += 4) {
    let p = partials + (<usize>i << 2);
    let acc = v128.load(p);
    for (let c = 1; c < count; c++) {
      p += stride;
      acc = f32x4.add(acc, v128.load(p));
    }
    storeLanes(out + (<usize>i << 2), acc, size - i);
  }
}
