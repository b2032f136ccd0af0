/** The part of `navigator.gpu` used to find an adapter. */
interface GpuLike {
  requestAdapter(options?: object): Promise<AdapterLike | null>;
}

interface AdapterLike {
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly device?: string; readonly description?: string };
}

/** The `webgpu` package (Dawn for Node): `create` makes a `navigator.gpu`, `globals` holds the WebGPU enums. */
interface WebGpuPackage {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

export type WebGpuProbe = { readonly ok: true; readonly adapter: string | null } | { readonly ok: false; readonly reason: string };

/**
 * Makes sure `navigator.gpu` exists and answers with an adapter. A `navigator.gpu` the host already
 * provides (a browser, Deno, a test harness) wins; otherwise the `webgpu` package is loaded, when it is
 * installed and its native Dawn binary loads on this system.
 */
export async function provideWebGpu(): Promise<WebGpuProbe> {
  let gpu = currentGpu();
  if (!gpu) {
    let pkg: WebGpuPackage;
    try {
      // A variable specifier: the package is optional and has no types here.
      const specifier = 'webgpu';
      pkg = (await import(specifier)) as WebGpuPackage;
    } catch (error) {
      return { ok: false, reason: `webgpu package failed to load: ${shortReason(error)}` };
    }
    try {
      Object.assign(globalThis, pkg.globals);
      gpu = pkg.create([]);
      installNavigatorGpu(gpu);
    } catch (error) {
      return { ok: false, reason: `webgpu package could not create navigator.gpu: ${shortReason(error)}` };
    }
  }
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { ok: false, reason: 'navigator.gpu has no adapter (no Vulkan/Metal/D3D12 driver found)' };
    const info = adapter.info;
    const name = info ? [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' ') : '';
    return { ok: true, adapter: name || null };
  } catch (error) {
    return { ok: false, reason: `navigator.gpu.requestAdapter failed: ${shortReason(error)}` };
  }
}

function currentGpu(): GpuLike | null {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu ?? null;
}

function installNavigatorGpu(gpu: GpuLike): void {
  const g = globalThis as { navigator?: object };
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
}

/** The informative part of a load error, e.g. "GLIBCXX_3.4.32 not found" instead of the full dlopen text. */
export function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const versions = [...message.matchAll(/version `([^']+)' not found/g)].map((m) => m[1]);
  if (versions.length > 0) return `${[...new Set(versions)].join(', ')} not found`;
  if (/Cannot find (package|module) 'webgpu'/.test(message)) return 'the webgpu package is not installed';
  return message.split('\n')[0]!.slice(0, 200);
}
