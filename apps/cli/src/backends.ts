import type { Backend } from '@lenet-ts/core';

/** Options the CLI forwards to whichever backend is chosen. */
export interface BackendChoice {
  readonly name: string;
  /** Backend-specific mode, e.g. a gpu.js mode or a tfjs runtime. */
  readonly mode?: string;
}

interface BackendEntry {
  readonly summary: string;
  readonly modes?: readonly string[];
  create(mode: string | undefined): Promise<Backend>;
}

/**
 * Backends the CLI knows, loaded lazily so that a heavy or optional backend (gl, tfjs-node) is only
 * imported when asked for.
 */
export const BACKENDS: Readonly<Record<string, BackendEntry>> = {
  cpu: {
    summary: 'pure TypeScript',
    async create() {
      const { createCpuBackend } = await import('@lenet-ts/backend-cpu');
      return createCpuBackend();
    },
  },
};

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export async function createBackend(choice: BackendChoice): Promise<Backend> {
  const entry = BACKENDS[choice.name];
  if (!entry) throw new UsageError(`unknown backend "${choice.name}"; choose one of: ${Object.keys(BACKENDS).join(', ')}`);
  if (choice.mode !== undefined && entry.modes && !entry.modes.includes(choice.mode)) {
    throw new UsageError(`unknown ${choice.name} mode "${choice.mode}"; choose one of: ${entry.modes.join(', ')}`);
  }
  return entry.create(choice.mode);
}
