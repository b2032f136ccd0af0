import { BackendUnavailableError } from '@lenet-ts/core';
import { GPU } from 'gpu.js';
import type { Device, GpujsMode } from './devices/device.js';
import { claimGl, glOwner } from './devices/gl-owner.js';
import { GPUJS_MODES, type GpujsModeChoice } from './modes.js';

export { GPUJS_MODES, type GpujsModeChoice };
import { SyncDevice, type GlMode } from './devices/sync-device.js';
import { WebGpuDevice } from './devices/webgpu-device.js';
import { describeAdapter, provideWebGpu, shortReason } from './devices/webgpu-provider.js';
import { GpujsBackend, type UnavailableMode } from './gpujs-backend.js';
import { selfTest } from './self-test.js';

const DEVICE_MODES: readonly GpujsMode[] = ['webgpu', 'webgl2', 'webgl', 'headlessgl', 'webasm', 'cpu'];

/**
 * After WebGPU, `auto` tries these browser GL modes, each only on a hardware renderer (a software one,
 * SwiftShader or llvmpipe, trains slower than webasm). Outside a browser gpu.js finds no canvas for them
 * and they are skipped without a word.
 */
const GPU_GL_ORDER: readonly GlMode[] = ['webgl2', 'webgl'];

/**
 * The order `auto` tries after a hardware WebGPU adapter. Without a GPU every mode runs on the CPU. LeNet
 * training samples/s measured on 2 shared cores (batch 32 / 256, ranges over runs at different load):
 * webasm 97-336 / 137-356, headlessgl on Xvfb's llvmpipe 85-379 / 80-181, webgpu on llvmpipe 27-158 / 33-63
 * (the quiet-machine bench in BENCHMARKS.md: webasm 471 / 472, headlessgl 477 / 574). So webasm, which
 * needs no display and degrades least under load. headlessgl is not tried: headless-gl hides its renderer,
 * so auto cannot tell a GPU from Xvfb's software Mesa; ask for gpujs:headlessgl explicitly. webasm only
 * fails where WebAssembly is missing, hence cpu last.
 */
const CPU_ORDER: readonly GpujsMode[] = ['webasm', 'cpu'];

export interface GpujsBackendOptions {
  readonly mode?: GpujsModeChoice;
}

/** Thrown when an explicitly requested mode cannot run here. */
export class GpujsModeUnavailableError extends BackendUnavailableError {
  constructor(
    readonly mode: GpujsMode,
    reason: string,
  ) {
    super(`gpujs:${mode}`, reason);
    (this as { name: string }).name = 'GpujsModeUnavailableError';
  }
}

/**
 * Creates the gpu.js backend. An explicit mode runs or throws GpujsModeUnavailableError; `auto` takes
 * webgpu when its adapter is a hardware GPU, else webasm (then cpu). Every mode must open its device and
 * pass a short numeric self-test (gpu.js itself falls back silently, so the mode is checked, not assumed).
 * The backend's `mode` and `description` say what runs, on which adapter, and why the others did not.
 */
export async function createGpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  const requested = options.mode ?? 'auto';
  if (requested !== 'auto' && !DEVICE_MODES.includes(requested)) {
    throw new Error(`unknown gpu.js mode "${String(requested)}"; choose one of: ${GPUJS_MODES.join(', ')}`);
  }
  if (requested !== 'auto') {
    const attempt = await tryMode(requested);
    if ('reason' in attempt) throw new GpujsModeUnavailableError(requested, attempt.reason);
    return attempt.backend;
  }
  const unavailable: UnavailableMode[] = [];
  const webgpu = await tryMode('webgpu', [], { hardwareOnly: true });
  if ('backend' in webgpu) return webgpu.backend;
  unavailable.push({ mode: 'webgpu', reason: webgpu.reason });
  if (inBrowser()) {
    for (const mode of GPU_GL_ORDER) {
      const attempt = await tryMode(mode, unavailable, { hardwareOnly: true });
      if ('backend' in attempt) return attempt.backend;
      unavailable.push({ mode, reason: attempt.reason });
    }
  }
  for (const mode of CPU_ORDER) {
    const attempt = await tryMode(mode, unavailable, { noGpu: true });
    if ('backend' in attempt) return attempt.backend;
    unavailable.push({ mode, reason: attempt.reason });
  }
  // cpu mode needs nothing from the platform; reaching this means gpu.js itself is broken.
  throw new Error(`no gpu.js mode works here: ${unavailable.map((u) => `${u.mode}: ${u.reason}`).join('; ')}`);
}

/** Whether `mode` can run here, with the reason when not; opens (and closes) the device to find out. */
export async function gpujsModeAvailability(mode: GpujsModeChoice): Promise<{ available: true } | { available: false; reason: string }> {
  if (mode === 'auto') return { available: true };
  if (!DEVICE_MODES.includes(mode)) return { available: false, reason: `unknown gpu.js mode "${String(mode)}"; choose one of: ${GPUJS_MODES.join(', ')}` };
  const opened = await openDevice(mode, false).catch((error: unknown) => ({ reason: shortReason(error) }));
  if ('reason' in opened) return { available: false, reason: opened.reason };
  opened.device.close();
  return { available: true };
}

interface TryOptions {
  /** auto: a software WebGPU adapter is no GPU and trains slower than webasm, so it does not count. */
  readonly hardwareOnly?: boolean;
  /** auto found no GPU: the description says so first. */
  readonly noGpu?: boolean;
}

async function tryMode(
  mode: GpujsMode,
  unavailable: readonly UnavailableMode[] = [],
  options: TryOptions = {},
): Promise<{ backend: GpujsBackend } | { reason: string }> {
  let device: Device;
  try {
    const opened = await openDevice(mode, options.hardwareOnly === true);
    if ('reason' in opened) return opened;
    device = opened.device;
  } catch (error) {
    return { reason: shortReason(error) };
  }
  const backend = new GpujsBackend(device, [...unavailable], options.noGpu === true);
  const problem = await selfTest(backend).catch((error: unknown) => `self-test threw ${shortReason(error)}`);
  if (problem !== null) {
    backend.close();
    return { reason: `gpu.js ${mode} kernels gave wrong results (${problem})` };
  }
  return { backend };
}

async function openDevice(mode: GpujsMode, hardwareOnly: boolean): Promise<{ device: Device } | { reason: string }> {
  switch (mode) {
    case 'webgpu': {
      const probe = await provideWebGpu();
      if (!probe.ok) return { reason: probe.reason };
      if (hardwareOnly && probe.adapter.software) {
        return { reason: `only a software adapter, ${describeAdapter(probe.adapter)}, which trains slower than webasm on this CPU` };
      }
      return { device: new WebGpuDevice(probe.adapter) };
    }
    case 'webgl2':
    case 'webgl': {
      if (!(mode === 'webgl2' ? GPU.isWebGL2Supported : GPU.isWebGLSupported)) return { reason: browserGlReason(mode) };
      const device = new SyncDevice(mode);
      if (hardwareOnly && device.hardware !== true) {
        device.close();
        return { reason: `only a software renderer, ${device.detail ?? 'an unnamed one'}, which trains slower than webasm on this CPU` };
      }
      return { device };
    }
    case 'headlessgl':
      if (typeof process === 'undefined') return { reason: 'headless-gl is for Node; in a browser ask for webgl2 or webgl' };
      if (glOwner() === 'dawn')
        return { reason: 'webgpu already drives OpenGL through EGL in this process, and headless-gl would crash it (run headlessgl in a process of its own)' };
      // gpu.js makes its GLX test context on this first query (with no display it fails before GLX).
      if (process.platform !== 'linux' || process.env.DISPLAY) claimGl('headless-gl');
      if (!GPU.isHeadlessGLSupported) return { reason: headlessGlReason() };
      return { device: new SyncDevice('headlessgl') };
    case 'webasm':
      if (!GPU.isWebAssemblySupported) return { reason: 'WebAssembly is not supported by this runtime' };
      return { device: new SyncDevice('webasm') };
    case 'cpu':
      return { device: new SyncDevice('cpu') };
  }
}

/** A page or a Worker: where WebGL lives. */
function inBrowser(): boolean {
  return (
    typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
    typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined'
  );
}

/** Why gpu.js found no WebGL2 or WebGL context. */
function browserGlReason(mode: GlMode): string {
  if (!inBrowser()) return `${mode} needs a browser's canvas (in Node ask for headlessgl)`;
  if (
    typeof (globalThis as { document?: unknown }).document === 'undefined' &&
    typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined'
  ) {
    return `${mode} in a Worker needs OffscreenCanvas, which this browser lacks`;
  }
  return `the browser gave no ${mode === 'webgl2' ? 'WebGL2' : 'WebGL'} context (hardware acceleration off, or the GPU is blocklisted)`;
}

/** Why headless-gl gave no context: no display on Linux is the usual case. */
function headlessGlReason(): string {
  if (process.platform === 'linux' && !process.env.DISPLAY) return 'no X display (DISPLAY is not set; run under xvfb-run)';
  return 'headless-gl created no WebGL context (the optional gl addon is missing or failed to build, or the display refused GLX)';
}
