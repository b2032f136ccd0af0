/** A TensorFlow.js runtime: the native libtensorflow binding, WebAssembly (XNNPACK), plain JavaScript, or WebGL (a page). */
export type TfjsRuntime = 'node' | 'wasm' | 'cpu' | 'webgl';

/** What a user may ask for: one runtime, or `auto` = the fastest that loads (Node: node, wasm, cpu; a page: webgl, wasm, cpu). */
export type TfjsRuntimeRequest = 'auto' | TfjsRuntime;

/** Every runtime a user may ask for; a module of its own so the provider lists them without loading tfjs. */
export const TFJS_RUNTIMES: readonly TfjsRuntimeRequest[] = ['auto', 'node', 'wasm', 'cpu', 'webgl'];
