import { assertProviderVersion, BackendUnavailableError, resolveBackendId } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { TFJS_RUNTIMES, tfjsProvider, type TfjsBackend } from './index.js';

describe('tfjsProvider', () => {
  it('describes the backend with the exported runtime list, auto first and by default', () => {
    assertProviderVersion(tfjsProvider);
    expect(tfjsProvider.name).toBe('tfjs');
    expect(tfjsProvider.modes).toBe(TFJS_RUNTIMES);
    expect(tfjsProvider.modes).toContain('webgpu');
    expect(tfjsProvider.defaultMode).toBe('auto');
    expect(resolveBackendId([tfjsProvider], 'tfjs:webgpu')).toEqual({ provider: tfjsProvider, mode: 'webgpu' });
  });

  it('creates the runtime asked for, and refuses an unknown one with the choices', async () => {
    expect(await tfjsProvider.availability('wasm')).toEqual({ available: true });
    const backend = (await tfjsProvider.create({ mode: 'wasm' })) as TfjsBackend;
    try {
      expect(backend.runtime).toBe('wasm');
    } finally {
      backend.close();
    }
    await expect(tfjsProvider.create({ mode: 'metal' })).rejects.toThrow('unknown tfjs runtime "metal"; choose one of: auto, node, webgpu, wasm, cpu, webgl');
  });

  it('an explicit runtime that cannot load is a BackendUnavailableError with the reason', async () => {
    const availability = await tfjsProvider.availability('node');
    if (availability.available) {
      // tfjs-node loads here: the explicit runtime must then run.
      const backend = (await tfjsProvider.create({ mode: 'node' })) as TfjsBackend;
      expect(backend.runtime).toBe('node');
      backend.close();
      return;
    }
    const attempt = tfjsProvider.create({ mode: 'node' });
    await expect(attempt).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(attempt).rejects.toThrow(`tfjs runtime "node" is unavailable: ${availability.reason}; use runtime auto (tfjs:auto)`);
  });
});
