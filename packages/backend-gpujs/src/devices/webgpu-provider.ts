import { claimGl, glOwner } from './gl-owner.js';
import { WebGpuBufferPool, type GpuDeviceLike } from './webgpu-buffer-pool.js';

/** The part of `navigator.gpu` used to find an adapter. */
interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
  getPreferredCanvasFormat?(): string;
}

interface AdapterInfoLike {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
  readonly isFallbackAdapter?: boolean;
}

interface AdapterLike {
  readonly info?: AdapterInfoLike;
  readonly featureLevel?: string;
  readonly features?: { has(name: string): boolean };
  requestDevice(descriptor?: object): Promise<GpuDeviceLike & { destroy(): void }>;
}

/** The `webgpu` package (Dawn for Node): `create` makes a `navigator.gpu`, `globals` holds the WebGPU enums. */
interface WebGpuPackage {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Dawn's native backends, in the order they are tried: the platform's own API (Vulkan on Linux) first. */
export type DawnBackend = 'default' | 'opengles' | 'opengl';

/** The adapter webgpu mode runs on. */
export interface WebGpuAdapter {
  /** Vendor, architecture, device and driver description as `adapter.info` gives them. */
  readonly name: string;
  /** A CPU rasterizer (llvmpipe, lavapipe, SwiftShader, or an adapter flagged as fallback). */
  readonly software: boolean;
  /** `core`, or `compatibility` (WebGPU's reduced limits, the only level Dawn offers over OpenGL). */
  readonly featureLevel: 'core' | 'compatibility';
  /** The Dawn backend it came from; `host` when the runtime provided `navigator.gpu` itself. */
  readonly backend: DawnBackend | 'host';
  /** Pools storage buffers of the device gpu.js opens on it (null for a host-provided `navigator.gpu`). */
  readonly pool: WebGpuBufferPool | null;
}

export type WebGpuProbe = { readonly ok: true; readonly adapter: WebGpuAdapter } | { readonly ok: false; readonly reason: string };

/** Adapter names of CPU implementations of Vulkan, OpenGL or WebGPU. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software rasterizer/i;

let probe: Promise<WebGpuProbe> | null = null;

/**
 * Finds an adapter that opens a device and installs a `navigator.gpu` pinned to it, so gpu.js (which calls
 * `navigator.gpu.requestAdapter()` with no options) gets that adapter. Once per process: gpu.js shares one
 * WebGPU device among all its instances. Tries core feature level before compatibility, Dawn's default
 * backend (Vulkan on Linux) before OpenGL ES and OpenGL, and a hardware adapter before a software one.
 * A `navigator.gpu` the host already provides (a browser, Deno) is used instead of the `webgpu` package.
 */
export function provideWebGpu(): Promise<WebGpuProbe> {
  probe ??= findAdapter();
  return probe;
}

async function findAdapter(): Promise<WebGpuProbe> {
  const host = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (host) return pick(await candidatesOn(host, 'host'), 'navigator.gpu has no adapter');
  let pkg: WebGpuPackage;
  try {
    // A variable specifier: the package is optional.
    const specifier = 'webgpu';
    pkg = (await import(specifier)) as WebGpuPackage;
  } catch (error) {
    return { ok: false, reason: `webgpu package failed to load: ${shortReason(error)}` };
  }
  Object.assign(globalThis, pkg.globals);
  const found: Usable[] = [];
  const failures: string[] = [];
  for (const backend of ['default', 'opengles', 'opengl'] as const) {
    if (backend !== 'default') {
      if (glOwner() === 'headless-gl') {
        failures.push(`${backend}: headless-gl already drives OpenGL in this process (run webgpu in a process of its own)`);
        continue;
      }
      claimGl('dawn');
      if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        // Without a display Mesa's EGL must be told to make contexts without a window system, or it fails.
        process.env.EGL_PLATFORM ??= 'surfaceless';
      }
    }
    let gpu: GpuLike;
    try {
      gpu = pkg.create(backend === 'default' ? [] : [`backend=${backend}`]);
    } catch (error) {
      failures.push(`${backend}: ${shortReason(error)}`);
      continue;
    }
    for (const candidate of await candidatesOn(gpu, backend)) {
      if ('failure' in candidate) failures.push(candidate.failure);
      else found.push(candidate);
    }
    if (found.some((c) => !c.adapter.software)) break;
    // OpenGL ES and OpenGL reach the same driver: the second would find the same adapter again.
    if (backend !== 'default' && found.some((c) => c.adapter.backend === backend)) break;
  }
  return pick(
    [...found, ...failures.map((failure) => ({ failure }))],
    `no WebGPU adapter; install the GPU's Vulkan driver, or Mesa's EGL (libegl-mesa0 libgl1-mesa-dri) for a software one`,
  );
}

type Usable = { readonly adapter: WebGpuAdapter; readonly gpu: GpuLike; readonly options: object };
type Candidate = Usable | { readonly failure: string };

/** The adapters of one `navigator.gpu` that open a device: core level, else compatibility. */
async function candidatesOn(gpu: GpuLike, backend: DawnBackend | 'host'): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const featureLevel of ['core', 'compatibility'] as const) {
    const options = { powerPreference: 'high-performance', featureLevel };
    try {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) {
        out.push({ failure: `${backend === 'default' ? 'Dawn default backend' : backend} has no ${featureLevel}-level adapter` });
        continue;
      }
      // Opening (and closing) a device proves the adapter usable: Dawn lists some it then refuses.
      const device = await adapter.requestDevice();
      device.destroy();
      const level = adapter.featureLevel === 'core' || adapter.features?.has('core-features-and-limits') ? 'core' : featureLevel;
      const info = adapter.info ?? {};
      const name = adapterName(info);
      out.push({
        gpu,
        options,
        adapter: { name, software: info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(name), featureLevel: level, backend, pool: null },
      });
      // The adapter at the best level; the failures of the levels above it no longer matter.
      return out.filter((c) => !('failure' in c));
    } catch (error) {
      out.push({ failure: `${backend} ${featureLevel}: ${shortReason(error)}` });
    }
  }
  return out;
}

/** Prefers a hardware adapter; installs `navigator.gpu` for the chosen one. */
function pick(candidates: readonly Candidate[], none: string): WebGpuProbe {
  const usable = candidates.filter((c): c is Usable => !('failure' in c));
  const chosen = usable.find((c) => !c.adapter.software) ?? usable[0];
  if (!chosen) {
    const failures = candidates.flatMap((c) => ('failure' in c ? [c.failure] : []));
    return { ok: false, reason: failures.length > 0 ? `${none} (${failures.join('; ')})` : none };
  }
  const pool = chosen.adapter.backend === 'host' ? null : new WebGpuBufferPool();
  installPinnedGpu(chosen.gpu, chosen.options, pool);
  return { ok: true, adapter: { ...chosen.adapter, pool } };
}

/**
 * A `navigator.gpu` whose `requestAdapter` always asks the chosen Dawn instance with the chosen options
 * (gpu.js passes none, which would miss a compatibility-only adapter), and whose devices allocate storage
 * buffers through the pool.
 */
function installPinnedGpu(gpu: GpuLike, options: object, pool: WebGpuBufferPool | null): void {
  const pinned: GpuLike = {
    requestAdapter: async () => {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter || !pool) return adapter;
      const requestDevice = adapter.requestDevice.bind(adapter);
      // An own property shadows the native method; everything else stays the real adapter.
      Object.defineProperty(adapter, 'requestDevice', {
        value: async (descriptor?: object) => pool.attach(await requestDevice(descriptor)),
        configurable: true,
      });
      return adapter;
    },
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat?.() ?? 'rgba8unorm',
  };
  const g = globalThis as { navigator?: object };
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: pinned, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: pinned }, configurable: true, writable: true });
  }
}

/** "llvmpipe (LLVM 15.0.6, 256 bits) OpenGL ES 3.2 Mesa 22.3.6": the non-empty, distinct info fields. */
function adapterName(info: AdapterInfoLike): string {
  const parts = [info.vendor, info.architecture, info.device, info.description]
    .filter((s): s is string => typeof s === 'string' && s.trim().length > 0)
    .map((s) => s.trim());
  return [...new Set(parts.map((s) => s.replace(/-+$/, '')))].join(' ') || 'an unnamed adapter';
}

/** One line for a description: "WebGPU adapter llvmpipe ... OpenGL ES 3.2 Mesa 22.3.6 [software, compatibility level, Dawn OpenGL ES]". */
export function describeAdapter(adapter: WebGpuAdapter): string {
  const traits = [adapter.software ? 'software' : 'hardware', `${adapter.featureLevel} level`];
  if (adapter.backend !== 'default' && adapter.backend !== 'host') traits.push(`Dawn ${adapter.backend === 'opengles' ? 'OpenGL ES' : 'OpenGL'}`);
  return `WebGPU adapter ${adapter.name} [${traits.join(', ')}]`;
}

/** The informative part of a load error, e.g. "GLIBCXX_3.4.32 not found" instead of the full dlopen text. */
export function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const versions = [...message.matchAll(/version `([^']+)' not found/g)].map((m) => m[1]);
  if (versions.length > 0) return `${[...new Set(versions)].join(', ')} not found`;
  if (/Cannot find (package|module) 'webgpu'/.test(message)) return 'the webgpu package is not installed';
  return message.split('\n')[0]!.slice(0, 200);
}
