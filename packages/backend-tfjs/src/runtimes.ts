/**
 * A TensorFlow.js runtime: the native libtensorflow binding, WebGPU (tfjs-backend-webgpu on Dawn's Node
 * binding, or a page's navigator.gpu), WebAssembly (XNNPACK), plain JavaScript, or WebGL (a page).
 */
export type TfjsRuntime = 'node' | 'webgpu' | 'wasm' | 'cpu' | 'webgl';

/**
 * What a user may ask for: one runtime, or `auto` = the fastest that loads. Node: node, then webgpu on a
 * hardware adapter (a software one such as llvmpipe is slower than wasm), then wasm, then cpu; a page:
 * webgl, wasm, cpu.
 */
export type TfjsRuntimeRequest = 'auto' | TfjsRuntime;

/** Every runtime a user may ask for, `auto` first; a module of its own so the provider lists them without loading tfjs. */
export const TFJS_RUNTIMES: readonly TfjsRuntimeRequest[] = ['auto', 'node', 'webgpu', 'wasm', 'cpu', 'webgl'];
