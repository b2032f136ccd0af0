import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend(process.argv[2] ?? 'wasm');
const dy = tf.randomNormal([32, 8, 8, 16]);
const w = tf.randomNormal([5, 5, 6, 16]);
const x = tf.randomNormal([32, 12, 12, 6]);
function time(name, f, n = 30) { for (let i = 0; i < 3; i++) tf.tidy(f); const t = performance.now(); for (let i = 0; i < n; i++) tf.tidy(() => { const r = f(); r.dataSync(); }); console.log(name, ((performance.now() - t) / n).toFixed(3), 'ms'); return tf.tidy(() => f()).dataSync(); }
const a = time('conv2dTranspose', () => tf.conv2dTranspose(dy, w, [32, 12, 12, 6], 1, 'valid'));
const b = time('flipconv', () => tf.conv2d(dy, tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]), 1, [[0,0],[4,4],[4,4],[0,0]]));
let d = 0; for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i])); console.log('diff', d);
time('conv fwd', () => tf.conv2d(x, w, 1, 'valid'));
time('fused conv fwd', () => tf.fused.conv2d({x, filter: w, strides: 1, pad: 'valid', activation: 'sigmoid', bias: tf.zeros([16])}));
time('dW trick', () => tf.transpose(tf.conv2d(tf.transpose(x, [3,1,2,0]), tf.transpose(dy, [1,2,0,3]), 1, 'valid'), [1,2,0,3]));
time('dW native', () => tf.conv2dBackpropFilter ? tf.conv2dBackpropFilter(x, dy, [5,5,6,16], 1, 'valid') : tf.zeros([1]));
