// Keras Adam and RMSprop in place, every operation a float32 vector op (correctly rounded, no fused
// multiply-add), so each element gets exactly the roundings of core's reference backend:
// v = b2 v + c2 g^2; Adam m = b1 m + c1 g, p -= lr m / (sqrt(v) + eps); RMSprop (m == 0) p -= lr g / (sqrt(v) + eps).
// c1 = 1 - b1 and c2 = 1 - b2 come from the host, taken in float64 (a float32 1 - 0.999 is 1.3e-5 off).
import { storeLanes } from './simd';

export function adaptiveRange(param: usize, grad: usize, m: usize, v: usize, from: i32, to: i32, lr: f32, b1: f32, c1: f32, b2: f32, c2: f32, eps: f32): void {
  const rate = f32x4.splat(lr);
  const decay1 = f32x4.splat(b1);
  const keep1 = f32x4.splat(c1);
  const decay2 = f32x4.splat(b2);
  const keep2 = f32x4.splat(c2);
  const epsilon = f32x4.splat(eps);
  for (let i = from; i < to; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const vNext = f32x4.add(f32x4.mul(decay2, v128.load(v + o)), f32x4.mul(keep2, f32x4.mul(g, g)));
    storeLanes(v + o, vNext, to - i);
    let direction = g;
    if (m != 0) {
      direction = f32x4.add(f32x4.mul(decay1, v128.load(m + o)), f32x4.mul(keep1, g));
      storeLanes(m + o, direction, to - i);
    }
    const step = f32x4.div(f32x4.mul(rate, direction), f32x4.add(f32x4.sqrt(vNext), epsilon));
    storeLanes(param + o, f32x4.sub(v128.load(param + o), step), to - i);
  }
}
