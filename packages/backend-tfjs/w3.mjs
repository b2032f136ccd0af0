import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
const R = (n, s) => Float32Array.from({length: n}, (_, i) => Math.sin(i * 7.1 + s));
const m=5,k=7,n=3;
await tf.setBackend('cpu');
const want = {};
for (const [ta,tb] of [[false,false],[true,false],[false,true],[true,true]]) want[[ta,tb]] = tf.add(tf.matMul(tf.tensor2d(R(m*k,1), ta?[k,m]:[m,k]), tf.tensor2d(R(k*n,2), tb?[n,k]:[k,n]), ta, tb), tf.tensor1d(R(n,3))).dataSync();
await tf.setBackend('wasm');
for (let rep = 0; rep < 2; rep++)
for (const [ta,tb] of [[false,false],[true,false],[false,true],[true,true]]) {
  const a = tf.tensor1d(R(m*k,1)), b = tf.tensor1d(R(k*n,2)), bias = tf.tensor1d(R(n,3));
  const r = tf.tidy(() => tf.fused.matMul({a: tf.reshape(a, ta?[k,m]:[m,k]), b: tf.reshape(b, tb?[n,k]:[k,n]), transposeA: ta, transposeB: tb, bias: tf.reshape(bias, [n])})).dataSync();
  let d = 0; for (let i = 0; i < r.length; i++) d = Math.max(d, Math.abs(r[i]-want[[ta,tb]][i]));
  console.log(rep, ta, tb, d, a.dataId.id, b.dataId.id);
  a.dispose(); b.dispose();
}
