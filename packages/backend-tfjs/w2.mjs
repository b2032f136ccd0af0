import * as tf from '@tensorflow/tfjs-core';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
wasm.setThreadsCount?.(2);
const t = setTimeout(()=>{console.log('timeout'); process.exit(3)}, 20000);
try { console.log(await tf.setBackend('wasm'), tf.getBackend()); console.log(tf.add(tf.tensor([1,2]), 1).dataSync(), wasm.getThreadsCount()); } catch (e) { console.log('ERR', e.message); }
clearTimeout(t); process.exit(0);
