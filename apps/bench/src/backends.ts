import { findBackend, providers } from '@lenet-ts/backends';
import type { Backend, BackendProvider } from '@lenet-ts/core';
import type { Target } from './protocol.js';

/**
 * The bench's targets come from the one list of installed backends: every mode but `auto` (the table shows
 * what each mode does), and for a backend without modes that runs on threads, its thread count as the mode.
 */
export function backendTargets(cores: number): Target[] {
  return providers.flatMap((p) => {
    const modes = p.modes.filter((m) => m !== 'auto');
    if (modes.length > 0) return modes.map((mode) => ({ backend: p.name, mode }));
    return [{ backend: p.name, mode: threadedWithoutModes(p) ? String(cores) : '' }];
  });
}

/** Backends whose "mode" column in the tables is a thread count. */
export function threadedWithoutModes(provider: BackendProvider): boolean {
  return provider.threaded && provider.modes.length === 0;
}

/** Creates one of our backends in one mode; each package is imported only then, so a child loads nothing else. */
export async function createTarget(target: Target): Promise<Backend> {
  const { provider } = findBackend(target.backend);
  if (threadedWithoutModes(provider)) return provider.create({ threads: Number(target.mode) });
  return provider.create({ mode: target.mode || undefined });
}

/** Whether a target is one of our backends (not the peer). */
export function isInstalledBackend(name: string): boolean {
  return providers.some((p) => p.name === name);
}

/** The modes that need an X display. */
export function needsDisplay(target: Target): boolean {
  return providers.some((p) => p.name === target.backend && p.displayModes.includes(target.mode));
}
