import type { GpujsMode } from './devices/device.js';

/**
 * A mode to run, or `auto`: a GPU through WebGPU (then, in a page, WebGL2 and WebGL) where there is one,
 * else the fastest CPU mode (webasm).
 */
export type GpujsModeChoice = 'auto' | GpujsMode;

/** Every mode a user may ask for; a module of its own so the provider lists them without loading gpu.js. */
export const GPUJS_MODES: readonly GpujsModeChoice[] = ['auto', 'webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];
