import { BackendUnavailableError } from '@lenet-ts/core';
import { GPU } from 'gpu.js';
import type { Device, GpujsMode } from './devices/device.js';
import { GPUJS_MODES, type GpujsModeChoice } from './modes.js';
import { SyncDevice } from './devices/sync-device.js';
import { WebGpuDevice } from './devices/webgpu-device.js';
import { provideWebGpu, shortReason } from './devices/webgpu-provider.js';
import { GpujsBackend, type UnavailableMode } from './gpujs-backend.js';
import { selfTest } from './self-test.js';


/** The order `auto` tries. */
const AUTO_ORDER: readonly GpujsMode[] = ['webgpu', 'headlessgl', 'webasm', 'cpu'];

export interface GpujsBackendOptions {
  readonly mode?: GpujsModeChoice;
}

/** Thrown when an explicitly requested mode cannot run here. */
export class GpujsModeUnavailableError extends BackendUnavailableError {
  override name = 'GpujsModeUnavailableError';
  constructor(readonly mode: GpujsMode, reason: string) {
    super(`gpujs:${mode}`, reason, `gpu.js mode ${mode} is unavailable: ${reason}`);
  }
}

/**
 * Creates the gpu.js backend. An explicit mode runs or throws; `auto` tries webgpu, headlessgl, webasm and
 * cpu in that order and keeps the first whose device opens and passes a short numeric self-test (gpu.js
 * itself falls back silently, so the mode is checked, not assumed). The backend's `mode` and
 * `description` say what runs and why the faster modes did not.
 */
export async function createGpujsBackend(options: GpujsBackendOptions = {}): Promise<GpujsBackend> {
  const requested = options.mode ?? 'auto';
  if (requested !== 'auto' && !AUTO_ORDER.includes(requested)) {
    throw new Error(`unknown gpu.js mode "${String(requested)}"; choose one of: ${GPUJS_MODES.join(', ')}`);
  }
  if (requested !== 'auto') {
    const attempt = await tryMode(requested);
    if ('reason' in attempt) throw new GpujsModeUnavailableError(requested, attempt.reason);
    return attempt.backend;
  }
  const unavailable: UnavailableMode[] = [];
  for (const mode of AUTO_ORDER) {
    const attempt = await tryMode(mode, unavailable);
    if ('backend' in attempt) return attempt.backend;
    unavailable.push({ mode, reason: attempt.reason });
  }
  // cpu mode needs nothing from the platform; reaching this means gpu.js itself is broken.
  throw new Error(`no gpu.js mode works here: ${unavailable.map((u) => `${u.mode}: ${u.reason}`).join('; ')}`);
}

async function tryMode(mode: GpujsMode, unavailable: readonly UnavailableMode[] = []): Promise<{ backend: GpujsBackend } | { reason: string }> {
  let device: Device;
  try {
    const opened = await openDevice(mode);
    if ('reason' in opened) return opened;
    device = opened.device;
  } catch (error) {
    return { reason: shortReason(error) };
  }
  const backend = new GpujsBackend(device, [...unavailable]);
  const problem = await selfTest(backend).catch((error: unknown) => `self-test threw ${shortReason(error)}`);
  if (problem !== null) {
    backend.close();
    return { reason: `gpu.js ${mode} kernels gave wrong results (${problem})` };
  }
  return { backend };
}

async function openDevice(mode: GpujsMode): Promise<{ device: Device } | { reason: string }> {
  switch (mode) {
    case 'webgpu': {
      const probe = await provideWebGpu();
      if (!probe.ok) return { reason: probe.reason };
      return { device: new WebGpuDevice(probe.adapter) };
    }
    case 'headlessgl':
      if (!GPU.isHeadlessGLSupported) return { reason: headlessGlReason() };
      return { device: new SyncDevice('headlessgl') };
    case 'webasm':
      if (!GPU.isWebAssemblySupported) return { reason: 'WebAssembly is not supported by this runtime' };
      return { device: new SyncDevice('webasm') };
    case 'cpu':
      return { device: new SyncDevice('cpu') };
  }
}

/** Why headless-gl gave no context: no display on Linux is the usual case. */
function headlessGlReason(): string {
  if (process.platform === 'linux' && !process.env.DISPLAY) return 'no X display (DISPLAY is not set; run under xvfb-run)';
  return 'headless-gl created no WebGL context (the optional gl addon is missing or failed to build, or the display refused GLX)';
}
