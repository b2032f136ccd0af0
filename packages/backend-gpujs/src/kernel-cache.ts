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
  private readonly kernels = new Map<string, KernelRun>();

  constructor(private readonly gpu: GPU) {
    // Index helpers take and return floats on every device: index math runs in float32 (exact below 2^24).
    for (const helper of KERNEL_HELPERS) {
      gpu.addFunction(helper.body as never, { argumentTypes: { ...helper.argumentTypes }, returnType: 'Number' } as never);
    }
  }

  get(spec: KernelSpec, arrayType: ArrayArgumentType): KernelRun {
    const key = `${spec.name}[${spec.size}]${arrayType}${JSON.stringify(spec.constants)}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = this.compile(spec, arrayType);
      this.kernels.set(key, kernel);
    }
    return kernel;
  }

  /** Kernels compiled so far. */
  get size(): number {
    return this.kernels.size;
  }

  all(): IterableIterator<KernelRun> {
    return this.kernels.values();
  }

  clear(): void {
    this.kernels.clear();
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
