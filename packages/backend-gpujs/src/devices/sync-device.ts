import { CPUKernel, GPU, HeadlessGLKernel, WebAssemblyKernel, WebGL2Kernel, WebGLKernel, type Texture } from 'gpu.js';
import { KernelCache, type ArrayArgumentType, type KernelRun } from '../kernel-cache.js';
import { copySpec } from '../kernels/elementwise.js';
import type { KernelSpec } from '../kernels/kernel-spec.js';
import { GlObjectCounter } from './gl-object-counter.js';
import type { Device, DeviceResult } from './device.js';

export type SyncMode = 'webgl2' | 'webgl' | 'headlessgl' | 'webasm' | 'cpu';

/** The modes whose kernels render into GL textures. */
export type GlMode = 'webgl2' | 'webgl' | 'headlessgl';

/** The gpu.js kernel class each mode must really run on (gpu.js falls back to others silently). */
const KERNEL_CLASS: Record<SyncMode, abstract new (...args: never[]) => object> = {
  webgl2: WebGL2Kernel,
  webgl: WebGLKernel,
  headlessgl: HeadlessGLKernel,
  webasm: WebAssemblyKernel,
  cpu: CPUKernel,
};

/** A GL texture as gpu.js returns it from a pipeline kernel. */
interface GlTexture extends Texture {
  /** Texels: [width, height] (an array-like). */
  readonly size: ArrayLike<number>;
  toArray(): Float32Array;
}

/** Thrown when gpu.js ran a kernel on something other than the mode this backend reports. */
export class GpujsFallbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpujsFallbackError';
  }
}

/**
 * gpu.js gives every webasm kernel a WebAssembly.Memory of its own. Chromium's V8 sandbox fits about 125
 * of them in a page (measured in Chromium 156: the 126th \`new WebAssembly.Memory\` throws "could not
 * allocate memory", whatever its size; Node fits thousands), and the conformance suite compiles more
 * kernels than that. So at most this many webasm kernels stay compiled: one LeNet step compiles about 50
 * per batch size, so a run's training, validation and test shapes fit, and only a rarely used shape is
 * ever recompiled.
 */
const WEBASM_LIVE_KERNELS = 96;

/** Renderer names of CPU implementations of OpenGL (ANGLE on SwiftShader in Chromium, Mesa's llvmpipe). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software/i;

export function isGlMode(mode: SyncMode): mode is GlMode {
  return mode === 'webgl2' || mode === 'webgl' || mode === 'headlessgl';
}

/**
 * webgl2, webgl (a browser's canvas), headlessgl, webasm and cpu: kernels run synchronously. On GL, results
 * are pipeline textures that never leave the device until `read`; webasm and cpu return fresh Float32Arrays even with `pipeline: true`.
 */
export class SyncDevice implements Device {
  readonly detail: string | null;
  readonly hardware: boolean | null;
  private readonly gpu: GPU;
  private readonly kernels: KernelCache;
  private readonly verified = new WeakSet<KernelRun>();
  private readonly arrayType: ArrayArgumentType;
  private readonly counter: GlObjectCounter | null = null;
  private closed = false;

  private readonly gl: boolean;

  constructor(readonly mode: SyncMode) {
    this.gl = isGlMode(mode);
    this.gpu = new GPU({ mode });
    const chosen = (this.gpu as unknown as { Kernel: unknown }).Kernel;
    if (chosen !== KERNEL_CLASS[mode]) {
      throw new GpujsFallbackError(`gpu.js chose ${describeClass(chosen)} for mode ${mode}`);
    }
    this.kernels = new KernelCache(this.gpu, mode === 'webasm' ? WEBASM_LIVE_KERNELS : Number.POSITIVE_INFINITY);
    this.arrayType = this.gl ? 'ArrayTexture(1)' : 'Array';
    if (this.gl) {
      // Creating a kernel creates the GPU instance's one GL context; count its objects from the start.
      this.kernels.get(copySpec(1), 'Array');
      const context = (this.gpu as unknown as { context: WebGLRenderingContextLike | null }).context;
      if (!context) throw new GpujsFallbackError(`gpu.js created no GL context in ${mode} mode`);
      this.counter = new GlObjectCounter(context);
      const renderer = glRenderer(context);
      // headless-gl answers only "ANGLE" (no debug extension): it cannot tell a GPU from Mesa's llvmpipe.
      this.hardware = renderer === null ? null : !SOFTWARE_RENDERER.test(renderer);
      this.detail = renderer === null ? null : `${mode === 'webgl2' ? 'WebGL2' : 'WebGL'} renderer ${renderer} [${this.hardware ? 'hardware' : 'software'}]`;
    } else {
      this.hardware = false;
      this.detail = null;
    }
  }

  upload(data: Float32Array): DeviceResult {
    // webasm and cpu kernels read host arrays directly: a private copy is already "on the device".
    if (!this.gl) return { data: data.slice(), bytes: data.byteLength };
    return this.execute(this.kernels.get(copySpec(data.length), 'Array'), copySpec(data.length), [data]);
  }

  run(spec: KernelSpec, inputs: readonly unknown[], scalars: readonly number[]): DeviceResult {
    return this.execute(this.kernels.get(spec, this.arrayType), spec, [...inputs, ...scalars]);
  }

  read(data: unknown, size: number): Promise<Float32Array> {
    if (data instanceof Float32Array) return Promise.resolve(data.slice());
    const values = (data as GlTexture).toArray();
    if (!(values instanceof Float32Array) || values.length !== size) {
      return Promise.reject(new Error(`gpu.js read back ${describeValue(values)} from a texture of ${size} elements`));
    }
    return Promise.resolve(values);
  }

  release(data: unknown): void {
    if (!(data instanceof Float32Array)) (data as GlTexture).delete();
  }

  compiledKernels(): number {
    return this.kernels.size;
  }

  glObjects(): { readonly textures: number; readonly framebuffers: number } | null {
    return this.counter ? { textures: this.counter.textures, framebuffers: this.counter.framebuffers } : null;
  }

  deviceBuffers(): null {
    return null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kernels.clear();
    // destroy() tears the kernels and the GL context down on the next tick; nothing waits for it.
    void this.gpu.destroy().catch(() => undefined);
  }

  private execute(kernel: KernelRun, spec: KernelSpec, args: readonly unknown[]): DeviceResult {
    const out = kernel(...args);
    if (!this.verified.has(kernel)) {
      this.verify(kernel, spec);
      this.verified.add(kernel);
    }
    if (out instanceof Float32Array && out.length === spec.size && !this.gl) {
      return { data: out, bytes: out.byteLength };
    }
    if (this.gl && isTexture(out)) {
      const width = out.size[0]!;
      const height = out.size[1]!;
      // RGBA float32 texels, one value each.
      return { data: out, bytes: width * height * 16 };
    }
    throw new GpujsFallbackError(
      `gpu.js kernel ${spec.name} returned ${describeValue(out)} in ${this.mode} mode, expected ${this.gl ? 'a texture' : `a Float32Array of ${spec.size}`}`,
    );
  }

  /** After a kernel's first run: gpu.js may have replaced it by a CPU fallback without telling. */
  private verify(kernel: KernelRun, spec: KernelSpec): void {
    const running = kernel.kernel;
    if (!(running instanceof KERNEL_CLASS[this.mode])) {
      const reason = running.fallbackReason ? `: ${running.fallbackReason}` : '';
      throw new GpujsFallbackError(`gpu.js ran kernel ${spec.name} on ${describeClass(running.constructor)} instead of ${this.mode}${reason}`);
    }
  }
}

/** The GL calls the counter and the renderer query need. */
export interface WebGLRenderingContextLike {
  createTexture(): unknown;
  deleteTexture(texture: unknown): void;
  createFramebuffer(): unknown;
  deleteFramebuffer(framebuffer: unknown): void;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}

/** The real renderer where the context reveals it (headless-gl answers only "ANGLE" to RENDERER). */
function glRenderer(context: WebGLRenderingContextLike): string | null {
  const debug = context.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = debug ? context.getParameter(debug.UNMASKED_RENDERER_WEBGL) : null;
  return typeof renderer === 'string' && renderer.length > 0 ? renderer : null;
}

function isTexture(value: unknown): value is GlTexture {
  return typeof value === 'object' && value !== null && typeof (value as GlTexture).toArray === 'function' && typeof (value as GlTexture).delete === 'function';
}

function describeClass(value: unknown): string {
  return typeof value === 'function' && value.name ? value.name : String(value);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
