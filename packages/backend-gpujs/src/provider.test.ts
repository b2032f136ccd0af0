import { assertProviderVersion, BackendUnavailableError, resolveBackendId } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { provideWebGpu } from './devices/webgpu-provider.js';
import { GPUJS_MODES, gpujsProvider, type GpujsBackend } from './index.js';

describe('gpujsProvider', () => {
  it('describes the backend with the exported mode list, auto first and by default', () => {
    assertProviderVersion(gpujsProvider);
    expect(gpujsProvider.name).toBe('gpujs');
    expect(gpujsProvider.modes).toBe(GPUJS_MODES);
    expect(gpujsProvider.modes[0]).toBe('auto');
    expect(gpujsProvider.defaultMode).toBe('auto');
    expect(resolveBackendId([gpujsProvider], 'gpujs:webgpu')).toEqual({ provider: gpujsProvider, mode: 'webgpu' });
  });

  it('availability says the CPU modes run and agrees with the adapter search for webgpu', async () => {
    expect(await gpujsProvider.availability('webasm')).toEqual({ available: true });
    expect(await gpujsProvider.availability('cpu')).toEqual({ available: true });
    // The browser GL modes are listed everywhere, and say in Node why they do not run there.
    expect(await gpujsProvider.availability('webgl2')).toEqual({ available: false, reason: "webgl2 needs a browser's canvas (in Node ask for headlessgl)" });
    expect(await gpujsProvider.availability('webgl')).toEqual({ available: false, reason: "webgl needs a browser's canvas (in Node ask for headlessgl)" });
    const webgpu = await provideWebGpu();
    expect(await gpujsProvider.availability('webgpu')).toEqual(webgpu.ok ? { available: true } : { available: false, reason: webgpu.reason });
  });

  it('creates the mode asked for, and refuses an unknown one with the choices', async () => {
    const backend = (await gpujsProvider.create({ mode: 'webasm' })) as GpujsBackend;
    try {
      expect(backend.mode).toBe('webasm');
      expect(backend.hardware).toBe(false);
    } finally {
      backend.close();
    }
    await expect(gpujsProvider.create({ mode: 'opengl' })).rejects.toThrow(
      'unknown gpu.js mode "opengl"; choose one of: auto, webgpu, webgl2, webgl, headlessgl, webasm, cpu',
    );
    await expect(gpujsProvider.create({ mode: 'webgl2' })).rejects.toThrow(
      "backend gpujs:webgl2 is unavailable here: webgl2 needs a browser's canvas (in Node ask for headlessgl)",
    );
  });

  it('an explicit mode that cannot run is a BackendUnavailableError naming backend, mode and reason', async () => {
    // Without a display headless-gl cannot open; with one, webgpu has claimed OpenGL in this process above.
    const attempt = gpujsProvider.create({ mode: 'headlessgl' });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toThrow(/^backend gpujs:headlessgl is unavailable here: (no X display|webgpu already drives OpenGL)/);
  });
});
