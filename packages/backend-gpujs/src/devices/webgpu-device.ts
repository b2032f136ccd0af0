import * as gpujs from 'gpu.js';
import { GPU } from 'gpu.js';
import { KernelCache, type KernelRun } from '../kernel-cache.js';
import { copySpec } from '../kernels/elementwise.js';
import type { KernelSpec } from '../kernels/kernel-spec.js';
import type { Device, DeviceResult } from './device.js';
import { GpujsFallbackError } from './sync-device.js';
import type { BufferPoolStats } from './webgpu-buffer-pool.js';
import { describeAdapter, type WebGpuAdapter } from './webgpu-provider.js';

/** gpu.js's pipeline result in webgpu mode: a storage buffer that stays on the GPU. */
interface WebGpuBuffer {
  toArray(): Promise<Float32Array | number[]>;
  delete(): void;
}

const ignore = (): void => undefined;

/**
 * Storage buffers a kernel may bind at WebGPU's compatibility level (4 per shader stage, the device
 * default gpu.js keeps): its array inputs plus its output. gpu.js also uses 64-thread workgroups, under
 * the compatibility caps of 128 invocations and 128 threads along x.
 */
export const COMPATIBILITY_MAX_INPUTS = 3;

/** gpu.js exports its WebGPU kernel class but its typings do not declare it. */
const { WebGPUKernel } = gpujs as unknown as { WebGPUKernel: abstract new (...args: never[]) => object };

/**
 * webgpu mode. gpu.js kernels are asynchronous there (the first call compiles the WGSL pipeline), while
 * Backend dispatch is synchronous: every operation is appended to one queue, so kernels submit in call
 * order, a buffer is deleted only after every kernel issued before its dispose has been submitted, and a
 * failure travels to whichever result depends on it (and surfaces at `read`).
 */
export class WebGpuDevice implements Device {
  readonly mode = 'webgpu' as const;
  readonly detail: string;
  readonly hardware: boolean;
  private readonly gpu: GPU;
  private readonly kernels: KernelCache;
  private readonly verified = new WeakSet<KernelRun>();
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(readonly adapter: WebGpuAdapter) {
    this.detail = describeAdapter(adapter);
    this.hardware = !adapter.software;
    this.gpu = new GPU({ mode: 'webgpu' });
    if ((this.gpu as unknown as { Kernel: unknown }).Kernel !== WebGPUKernel) {
      throw new GpujsFallbackError('gpu.js did not choose its WebGPU kernels for mode webgpu');
    }
    this.kernels = new KernelCache(this.gpu);
  }

  upload(data: Float32Array): DeviceResult {
    // Copied now: the caller may change its array before the queue reaches this upload.
    const copy = data.slice();
    const spec = copySpec(data.length);
    return this.enqueue(this.kernels.get(spec, 'Array'), spec, [Promise.resolve(copy)], []);
  }

  run(spec: KernelSpec, inputs: readonly unknown[], scalars: readonly number[]): DeviceResult {
    if (spec.inputs.length > COMPATIBILITY_MAX_INPUTS) {
      throw new Error(
        `gpujs webgpu: kernel ${spec.name} binds ${spec.inputs.length} inputs, over the ${COMPATIBILITY_MAX_INPUTS} a compatibility-level device allows; split the kernel`,
      );
    }
    return this.enqueue(this.kernels.get(spec, 'WebGPUBuffer'), spec, inputs as readonly Promise<unknown>[], scalars);
  }

  read(data: unknown, size: number): Promise<Float32Array> {
    let readback: Promise<Float32Array | number[]> | undefined;
    // toArray() submits its copy at once; later queue entries (a dispose) may then run.
    const started = this.tail.then(async () => {
      readback = ((await data) as WebGpuBuffer).toArray();
    });
    this.tail = started.then(ignore, ignore);
    return started.then(async () => {
      const values = Float32Array.from(await readback!);
      if (values.length !== size) throw new Error(`gpu.js read back ${values.length} values from a WebGPU buffer of ${size}`);
      return values;
    });
  }

  release(data: unknown): void {
    this.tail = this.tail.then(() => (data as Promise<WebGpuBuffer>).then((buffer) => buffer.delete(), ignore));
  }

  compiledKernels(): number {
    return this.kernels.size;
  }

  glObjects(): null {
    return null;
  }

  deviceBuffers(): BufferPoolStats | null {
    return this.adapter.pool?.stats() ?? null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const gpu = this.gpu;
    const pool = this.adapter.pool;
    this.tail = this.tail
      .then(() => gpu.destroy())
      .then(() => pool?.trim())
      .then(ignore, ignore);
    this.kernels.clear();
  }

  private enqueue(kernel: KernelRun, spec: KernelSpec, inputs: readonly Promise<unknown>[], scalars: readonly number[]): DeviceResult {
    const result = this.tail.then(async () => {
      const args = await Promise.all(inputs);
      const out = (await kernel(...args, ...scalars)) as WebGpuBuffer;
      if (!this.verified.has(kernel)) {
        if (!(kernel.kernel instanceof WebGPUKernel)) {
          throw new GpujsFallbackError(`gpu.js ran kernel ${spec.name} on ${kernel.kernel.constructor.name} instead of webgpu`);
        }
        this.verified.add(kernel);
      }
      return out;
    });
    // The queue goes on after a failure; the failure stays with `result` and whatever reads it.
    this.tail = result.then(ignore, ignore);
    return { data: result, bytes: spec.size * 4 };
  }
}
