import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
const require = createRequire(import.meta.url);
const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
console.log(dir);
if (process.argv[2]) wasm.setWasmPaths(dir + '/');
const t0 = performance.now();
console.log('simd', await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), 'mt', await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
try { console.log(await tf.setBackend('wasm'), tf.getBackend(), performance.now()-t0); } catch (e) { console.log('ERR', e.message); }
console.log(tf.add(tf.tensor([1,2]), 1).dataSync());
console.log(wasm.getThreadsCount?.());
