import { findBackend } from '@lenet-ts/backends';
import { BackendIdError, BackendUnavailableError, type Backend } from '@lenet-ts/core';
import { RunError } from './run-error.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Creates the installed backend an id (`name` or `name:mode`) names. An unknown id is a usage error (exit 2);
 * an explicit mode that cannot run here is a failed run (exit 1): both one line, never a silent fallback.
 */
export async function createBackend(id: string): Promise<Backend> {
  const resolved = resolveBackend(id);
  try {
    return await resolved.provider.create({ mode: resolved.mode });
  } catch (error) {
    if (error instanceof BackendUnavailableError) throw new RunError(error.message);
    throw error;
  }
}

/** The installed provider an id names; an unknown name or mode is a usage error that lists the choices. */
export function resolveBackend(id: string): ReturnType<typeof findBackend> {
  try {
    return findBackend(id);
  } catch (error) {
    if (error instanceof BackendIdError) throw new UsageError(error.message);
    throw error;
  }
}
