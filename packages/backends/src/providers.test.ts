import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BACKEND_PROVIDER_VERSION, BackendIdError } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { createBackend, findBackend, installedBackendIds, providers } from './index.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));

/** Workspace packages that export a provider (a `./provider` entry): each is a backend. */
function backendPackages(): { name: string; dir: string }[] {
  return readdirSync(PACKAGES)
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> },
    }))
    .filter(({ manifest }) => manifest.exports?.['./provider'] !== undefined)
    .map(({ dir, manifest }) => ({ name: manifest.name, dir }));
}

describe('the installed backends', () => {
  it('lists a provider for every backend package in the workspace, and nothing else', () => {
    const packages = backendPackages();
    expect(packages.length).toBeGreaterThanOrEqual(3);
    expect(providers.map((p) => p.packageName).sort()).toEqual(packages.map((p) => p.name).sort());
  });

  it('each backend package depends on by this package, so the list can load it', () => {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, 'backends/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const { name } of backendPackages()) expect(manifest.dependencies[name], name).toBe('workspace:^');
  });

  it('providers are well formed: unique names, a default mode exactly when there are modes', () => {
    expect(new Set(providers.map((p) => p.name)).size).toBe(providers.length);
    for (const p of providers) {
      expect(p.providerVersion).toBe(BACKEND_PROVIDER_VERSION);
      expect(p.description.length, p.name).toBeGreaterThan(0);
      if (p.modes.length === 0) expect(p.defaultMode, p.name).toBeUndefined();
      else expect(p.modes, p.name).toContain(p.defaultMode);
      for (const mode of p.displayModes) expect(p.modes, p.name).toContain(mode);
    }
  });

  it('resolves ids with and without a mode, and names the choices for unknown ones', () => {
    expect(installedBackendIds()).toEqual(expect.arrayContaining(['cpu', 'tfjs', 'tfjs:wasm', 'gpujs:webasm']));
    expect(findBackend('tfjs:wasm')).toMatchObject({ provider: { name: 'tfjs' }, mode: 'wasm' });
    expect(findBackend('gpujs')).toMatchObject({ provider: { name: 'gpujs' }, mode: 'auto' });
    expect(findBackend('cpu')).toMatchObject({ provider: { name: 'cpu' }, mode: undefined });
    expect(() => findBackend('nope')).toThrow(new BackendIdError('unknown backend "nope"; choose one of: wasm, cpu, tfjs, gpujs'));
    expect(() => findBackend('tfjs:gl')).toThrow(/unknown tfjs mode "gl"; choose one of: auto, node, webgpu, wasm, cpu/);
    expect(() => findBackend('cpu:fast')).toThrow(/cpu has no modes/);
    expect(() => findBackend('tfjs:wasm:x')).toThrow(/not a backend id/);
  });

  it('creates the backend an id names and says which mode ran', async () => {
    const backend = await createBackend('tfjs:cpu');
    try {
      expect(backend.name).toBe('tfjs');
      expect(backend.mode).toBe('cpu');
    } finally {
      backend.close?.();
    }
  });

  it('every mode of every provider either runs here or says why not', async () => {
    for (const p of providers) {
      for (const mode of p.modes.length ? p.modes : [undefined]) {
        const availability = await p.availability(mode);
        if (!availability.available) expect(availability.reason, `${p.name}:${mode}`).toMatch(/\S/);
      }
    }
    expect(await findBackend('cpu').provider.availability()).toEqual({ available: true });
  });
});
