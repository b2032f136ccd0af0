import type { Backend } from '@lenet-ts/core';
import { RunError } from './run-error.js';

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
  gpujs: {
    summary: 'gpu.js kernels (auto tries webgpu, headlessgl, webasm, cpu and says which ran)',
    modes: ['auto', 'headlessgl', 'webgpu', 'webasm', 'cpu'],
    async create(mode) {
      const { createGpujsBackend } = await import('@lenet-ts/backend-gpujs');
      return createGpujsBackend({ mode: (mode ?? 'auto') as 'auto' | 'headlessgl' | 'webgpu' | 'webasm' | 'cpu' });
    },
  },
  tfjs: {
    summary: 'TensorFlow.js (tfjs-node, wasm or cpu runtime; auto picks the first that loads)',
    modes: ['auto', 'node', 'wasm', 'cpu'],
    async create(mode) {
      const { createTfjsBackend, TfjsRuntimeError } = await import('@lenet-ts/backend-tfjs');
      try {
        return await createTfjsBackend({ runtime: (mode ?? 'auto') as 'auto' | 'node' | 'wasm' | 'cpu' });
      } catch (error) {
        // An explicit runtime that cannot load here (e.g. node without libtensorflow): one line, exit 1.
        if (error instanceof TfjsRuntimeError) throw new RunError(error.message);
        throw error;
      }
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
