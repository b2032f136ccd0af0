import { BACKEND_PROVIDER_VERSION, BackendUnavailableError, resolveBackendId } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { wasmProvider, type WasmBackend } from './index.js';

describe('wasmProvider', () => {
  it('describes the backend with its SIMD modes, auto first and by default', () => {
    expect(wasmProvider.providerVersion).toBe(BACKEND_PROVIDER_VERSION);
    expect(wasmProvider.name).toBe('wasm');
    expect(wasmProvider.modes).toEqual(['auto', 'relaxed', 'plain']);
    expect(wasmProvider.defaultMode).toBe('auto');
    expect(resolveBackendId([wasmProvider], 'wasm:plain').mode).toBe('plain');
  });

  it('creates a plain-SIMD backend that says so, and an auto one that says what it picked', async () => {
    expect(await wasmProvider.availability('plain')).toEqual({ available: true });
    const plain = (await wasmProvider.create({ mode: 'plain' })) as WasmBackend;
    try {
      expect(plain.name).toBe('wasm');
      expect(plain.description).toMatch(/^WebAssembly SIMD \(plain, \d+ threads?\)$/);
    } finally {
      plain.close();
    }
    const auto = (await wasmProvider.create()) as WasmBackend;
    try {
      expect(auto.description).toContain(auto.relaxed ? 'relaxed FMA' : 'plain');
    } finally {
      auto.close();
    }
  });

  it('creates wasm:relaxed exactly when availability says it can, and otherwise throws BackendUnavailableError', async () => {
    const availability = await wasmProvider.availability('relaxed');
    if (availability.available) {
      const relaxed = (await wasmProvider.create({ mode: 'relaxed' })) as WasmBackend;
      expect(relaxed.relaxed).toBe(true);
      relaxed.close();
    } else {
      await expect(wasmProvider.create({ mode: 'relaxed' })).rejects.toBeInstanceOf(BackendUnavailableError);
    }
  });

  it('refuses a mode it does not have, naming the ones it has', async () => {
    await expect(wasmProvider.create({ mode: 'turbo' })).rejects.toThrow(/unknown wasm mode "turbo"; choose one of: auto, relaxed, plain/);
  });
});
