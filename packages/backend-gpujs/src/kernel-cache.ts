import type { GPU } from 'gpu.js';
import { KERNEL_HELPERS, type KernelSpec } from './kernels/kernel-spec.js';

/** A compiled gpu.js kernel as its run shortcut: callable, with the backend kernel that really runs it. */
export interface KernelRun {
  (...args: unknown[]): unknown;
  /** Replaced by gpu.js when it switches or falls back to another backend. */
  readonly kernel: object & { readonly fallbackReason?: string };
  destroy?(removeCanvasReferences?: boolean): void;
}

/** gpu.js argument type of the device arrays a kernel takes in a mode. */
export type ArrayArgumentType = 'Array' | 'ArrayTexture(1)' | 'WebGPUBuffer';

/**
 * Compiles each (operation, shape) once per GPU instance and hands the same kernel back afterwards.
 * Settings are spelled out in full (gpu.js on GL throws on settings passed as undefined), loops take
 * their bounds from constants only (argument-dependent bounds are silently capped at loopMaxIterations),
 * argument types are pinned (a type change would recompile) and outputs are immutable textures.
 */
export class KernelCache {
  /** In least-recently-used order (a Map keeps insertion order; a hit moves its key to the end). */
  private readonly kernels = new Map<string, KernelRun>();
  private evictions = 0;

  /**
   * `limit`: the most kernels kept compiled; past it the least recently used one is destroyed (and
   * recompiled if it is needed again). Unbounded when absent.
   */
  constructor(
    private readonly gpu: GPU,
    private readonly limit: number = Number.POSITIVE_INFINITY,
  ) {
    // Index helpers take and return floats on every device: index math runs in float32 (exact below 2^24).
    for (const helper of KERNEL_HELPERS) {
      gpu.addFunction(helper.body as never, { argumentTypes: { ...helper.argumentTypes }, returnType: 'Number' } as never);
    }
  }

  get(spec: KernelSpec, arrayType: ArrayArgumentType): KernelRun {
    const key = `${spec.name}[${spec.size}]${arrayType}${JSON.stringify(spec.constants)}`;
    let kernel = this.kernels.get(key);
    if (kernel) {
      this.kernels.delete(key);
    } else {
      kernel = this.compile(spec, arrayType);
      this.evictBeyond(this.limit - 1);
    }
    this.kernels.set(key, kernel);
    return kernel;
  }

  /** Kernels compiled and kept now. */
  get size(): number {
    return this.kernels.size;
  }

  /** Kernels destroyed so far to stay within the limit. */
  get evicted(): number {
    return this.evictions;
  }

  clear(): void {
    this.kernels.clear();
  }

  private evictBeyond(keep: number): void {
    for (const [key, kernel] of this.kernels) {
      if (this.kernels.size <= keep) return;
      this.kernels.delete(key);
      this.evictions++;
      // Frees what the kernel pins (on webasm its WebAssembly.Memory); gpu.js forgets it too.
      kernel.destroy?.();
    }
  }

  private compile(spec: KernelSpec, arrayType: ArrayArgumentType): KernelRun {
    const argumentTypes: Record<string, string> = {};
    for (const name of spec.inputs) argumentTypes[name] = arrayType;
    for (const name of spec.scalars) argumentTypes[name] = 'Float';
    const settings = {
      output: [spec.size],
      constants: { ...spec.constants },
      argumentTypes,
      precision: 'single',
      tactic: 'precision',
      pipeline: true,
      immutable: true,
      dynamicOutput: false,
      dynamicArguments: false,
    };
    // The typings describe settings loosely (string unions, no `functions` array of plain functions).
    return this.gpu.createKernel(spec.body as never, settings as never) as unknown as KernelRun;
  }
}
