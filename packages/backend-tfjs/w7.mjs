import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend(process.argv[2] ?? 'wasm');
function time(name, f, n = 100) { for (let i = 0; i < 3; i++) tf.tidy(f); const t = performance.now(); for (let i = 0; i < n; i++) tf.tidy(() => { const r = f(); r.dataSync(); }); console.log(name, ((performance.now() - t) / n).toFixed(3), 'ms'); }
const x = tf.randomNormal([32, 256]), w = tf.randomNormal([256, 120]), b = tf.randomNormal([120]), dy = tf.randomNormal([32, 120]);
time('fwd fused sigmoid', () => tf.fused.matMul({a: x, b: w, bias: b, activation: 'sigmoid'}));
time('fwd plain', () => tf.matMul(x, w));
time('dx transB', () => tf.fused.matMul({a: dy, b: w, transposeB: true}));
time('dw transA', () => tf.fused.matMul({a: x, b: dy, transposeA: true}));
time('dw explicit transpose', () => tf.matMul(tf.transpose(x), dy));
time('sum bias', () => tf.sum(dy, 0));
time('scalar+mul+sub', () => tf.sub(w, tf.mul(tf.scalar(0.9), w)));
time('dx explicit transpose', () => tf.matMul(dy, tf.transpose(w)));
