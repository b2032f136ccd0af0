/**
 * What a gpu.js kernel body sees as `this`. Kernel bodies are plain `function`s that gpu.js parses and
 * translates (GLSL, WGSL, WebAssembly or JavaScript): they may only use their arguments, `this.thread.x`,
 * `this.constants.*`, Math and the helper functions registered in `KERNEL_HELPERS`.
 */
export interface KernelThis<Constant extends string = never> {
  readonly thread: { readonly x: number };
  /** Only the constants the kernel names in its type, so a misspelt or missing constant fails the type check. */
  readonly constants: Readonly<Record<Constant, number>>;
}

/** A kernel body: device arrays first, then float scalars (uniforms, so changing them does not recompile). */
export type KernelBody<Constant extends string = string> = (this: KernelThis<Constant>, ...args: never[]) => number;

/**
 * One kernel for one shape. Everything that shapes the loops is a constant baked into the kernel, so a
 * spec with the same name and constants is the same compiled kernel (the cache key).
 */
export interface KernelSpec<Constant extends string = string> {
  /** Names the operation in cache keys and error messages, e.g. `conv2d`. */
  readonly name: string;
  readonly body: KernelBody<Constant>;
  /** Loop bounds, strides and switches; integers (or exact float32 values such as clip bounds). */
  readonly constants: Readonly<Record<Constant, number>>;
  /** Output length: kernels write flat 1-D outputs and do their own NHWC index math. */
  readonly size: number;
  /** Names of the device-array parameters, in the body's parameter order. */
  readonly inputs: readonly string[];
  /** Names of the float parameters that follow the arrays. */
  readonly scalars: readonly string[];
}

/**
 * floor(a / b) for integer-valued floats, exact even where the device divides approximately (GPUs compute
 * a / b as a * (1 / b), so 6 / 3 may floor to 1). Products of integers below 2^24 are exact in float32,
 * so the two corrections make the quotient exact. Kernels never use `%` for the same reason.
 */
export function quotient(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) {
    q = q - 1;
  }
  if ((q + 1) * b <= a) {
    q = q + 1;
  }
  return q;
}

/** A helper function kernels may call, with its float signature (gpu.js would otherwise infer it per call site). */
export interface KernelHelper {
  readonly body: (...args: number[]) => number;
  readonly argumentTypes: Readonly<Record<string, 'Number'>>;
}

/** Helper functions every kernel of a backend may call. */
export const KERNEL_HELPERS: readonly KernelHelper[] = [{ body: quotient, argumentTypes: { a: 'Number', b: 'Number' } }];

/** Activation switch baked into kernels as a constant. */
export const ACTIVATION_CODES = { linear: 0, sigmoid: 1, relu: 2 } as const;
