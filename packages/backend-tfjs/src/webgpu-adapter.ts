/**
 * `navigator.gpu` for @tensorflow/tfjs-backend-webgpu in Node, from the `webgpu` package (Dawn's Node
 * binding). The same search as the gpu.js backend's webgpu mode: core feature level before compatibility,
 * Dawn's default backend (Vulkan on Linux) before OpenGL ES and OpenGL over EGL (surfaceless without a
 * display), a hardware adapter before a software one. tfjs registers its backend only where
 * `navigator.gpu` exists when the package is imported, and asks `requestAdapter` for no feature level,
 * which misses a compatibility-only adapter: the installed `navigator.gpu` is pinned to the adapter found.
 * The whole tfjs conformance suite passes on llvmpipe at compatibility level this way.
 */

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
  requestDevice(descriptor?: object): Promise<{ destroy(): void }>;
}

interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
  getPreferredCanvasFormat?(): string;
}

export interface TfjsWebGpuAdapter {
  /** Vendor, architecture, device and description from `adapter.info`. */
  readonly name: string;
  /** llvmpipe, lavapipe, SwiftShader or an adapter flagged as fallback. */
  readonly software: boolean;
  readonly featureLevel: 'core' | 'compatibility';
}

const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software rasterizer/i;

let found: Promise<TfjsWebGpuAdapter> | null = null;

/** Finds the adapter and installs `navigator.gpu` once per process; rejects with a one-line reason. */
export function provideTfjsWebGpu(): Promise<TfjsWebGpuAdapter> {
  found ??= search();
  return found;
}

async function search(): Promise<TfjsWebGpuAdapter> {
  const host = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  const failures: string[] = [];
  const instances: { gpu: GpuLike; label: string }[] = [];
  if (host) {
    instances.push({ gpu: host, label: 'navigator.gpu' });
  } else {
    let pkg: { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
    try {
      const specifier = 'webgpu';
      pkg = (await import(specifier)) as typeof pkg;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        /Cannot find (package|module) 'webgpu'/.test(message)
          ? 'the webgpu package (Dawn for Node) is not installed'
          : `the webgpu package failed to load: ${firstLine(message)}`,
        { cause: error },
      );
    }
    Object.assign(globalThis, pkg.globals);
    for (const backend of ['default', 'opengles', 'opengl']) {
      if (backend !== 'default' && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
        // Mesa's EGL fails without a window system unless told to make surfaceless contexts.
        process.env.EGL_PLATFORM ??= 'surfaceless';
      }
      try {
        instances.push({
          gpu: pkg.create(backend === 'default' ? [] : [`backend=${backend}`]),
          label: backend === 'default' ? 'Dawn default backend' : backend,
        });
      } catch (error) {
        failures.push(`${backend}: ${firstLine(error)}`);
      }
    }
  }
  let software: { gpu: GpuLike; options: object; adapter: TfjsWebGpuAdapter } | null = null;
  for (const { gpu, label } of instances) {
    const usable = await firstUsable(gpu, label, failures);
    if (!usable) continue;
    if (!usable.adapter.software) return install(usable);
    software ??= usable;
    // OpenGL ES and OpenGL reach the same driver: the second would find the same adapter again.
    if (label === 'opengles') break;
  }
  if (software) return install(software);
  throw new Error(`no WebGPU adapter (${failures.join('; ')})`);
}

async function firstUsable(gpu: GpuLike, label: string, failures: string[]): Promise<{ gpu: GpuLike; options: object; adapter: TfjsWebGpuAdapter } | null> {
  for (const featureLevel of ['core', 'compatibility'] as const) {
    const options = { powerPreference: 'high-performance', featureLevel };
    try {
      const adapter = await gpu.requestAdapter(options);
      if (!adapter) {
        failures.push(`${label} has no ${featureLevel}-level adapter`);
        continue;
      }
      (await adapter.requestDevice()).destroy();
      const info = adapter.info ?? {};
      const name =
        [
          ...new Set(
            [info.vendor, info.architecture, info.device, info.description]
              .filter((s): s is string => Boolean(s?.trim()))
              .map((s) => s.trim().replace(/-+$/, '')),
          ),
        ].join(' ') || 'an unnamed adapter';
      const level = adapter.featureLevel === 'core' ? 'core' : featureLevel;
      return { gpu, options, adapter: { name, software: info.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(name), featureLevel: level } };
    } catch (error) {
      failures.push(`${label} ${featureLevel}: ${firstLine(error)}`);
    }
  }
  return null;
}

function install(usable: { gpu: GpuLike; options: object; adapter: TfjsWebGpuAdapter }): TfjsWebGpuAdapter {
  const { gpu, options } = usable;
  const pinned: GpuLike = {
    // tfjs asks the device for the adapter's own compute limits, so compatibility-level defaults do not bind it.
    requestAdapter: () => gpu.requestAdapter(options),
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat?.() ?? 'rgba8unorm',
  };
  const g = globalThis as { navigator?: object };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: pinned, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: pinned }, configurable: true, writable: true });
  return usable.adapter;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim().slice(0, 200) || 'unknown error';
}

/** "llvmpipe-llvm-15-0-6-256-bits OpenGL version OpenGL ES 3.2 Mesa 22.3.6 [software, compatibility level]". */
export function describeTfjsAdapter(adapter: TfjsWebGpuAdapter): string {
  return `${adapter.name} [${adapter.software ? 'software' : 'hardware'}, ${adapter.featureLevel} level]`;
}
