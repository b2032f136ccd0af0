import type { GpujsMode } from './devices/device.js';

/** A mode to run, or `auto`: the fastest that works here (webgpu > headlessgl > webasm > cpu). */
export type GpujsModeChoice = 'auto' | GpujsMode;

/** Every mode a user may ask for; a module of its own so the provider lists them without loading gpu.js. */
export const GPUJS_MODES: readonly GpujsModeChoice[] = ['auto', 'headlessgl', 'webgpu', 'webasm', 'cpu'];
