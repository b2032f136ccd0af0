import type { KernelSpec } from '../kernels/kernel-spec.js';
import type { BufferPoolStats } from './webgpu-buffer-pool.js';

/** The gpu.js modes this backend runs on. */
export type GpujsMode = 'webgpu' | 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';

/** What a kernel produced: the device data and the bytes it holds. */
export interface DeviceResult {
  readonly data: unknown;
  readonly bytes: number;
}

/**
 * One gpu.js mode behind the backend: owns the GPU instance, compiles and runs kernels, moves data across
 * the device boundary. Inputs are the `data` of earlier results of the same device.
 */
export interface Device {
  readonly mode: GpujsMode;
  /** What executes the kernels where the mode can tell (a GL renderer, a WebGPU adapter), else null. */
  readonly detail: string | null;
  /** true: a GPU runs the kernels; false: the CPU does; null: the mode cannot tell. */
  readonly hardware: boolean | null;
  upload(data: Float32Array): DeviceResult;
  run(spec: KernelSpec, inputs: readonly unknown[], scalars: readonly number[]): DeviceResult;
  read(data: unknown, size: number): Promise<Float32Array>;
  release(data: unknown): void;
  /** Kernels compiled and kept now (each shape compiles once, unless a bounded cache evicted it). */
  compiledKernels(): number;
  /** Live GL textures and framebuffers of the context (headlessgl, webgl2, webgl), else null. */
  glObjects(): { readonly textures: number; readonly framebuffers: number } | null;
  /** Kernel-output storage buffers of the WebGPU device and their reuse (webgpu), else null. */
  deviceBuffers(): BufferPoolStats | null;
  close(): void;
}

/** gpu.js computes indices in float32: a tensor must stay below 2^24 elements to be addressed exactly. */
export const MAX_ELEMENTS = 2 ** 24;
