import type { Backend } from '@lenet-ts/core';
import type { Target } from './protocol.js';

/**
 * Creates one of our backends in one mode. Like the CLI's registry, each package is imported only when
 * asked for, so a child process loads nothing but what it measures. cpu's mode is its thread count.
 */
export async function createTarget(target: Target): Promise<Backend> {
  switch (target.backend) {
    case 'cpu': {
      const { createCpuBackend } = await import('@lenet-ts/backend-cpu');
      return createCpuBackend({ threads: Number(target.mode) });
    }
    case 'tfjs': {
      const { createTfjsBackend } = await import('@lenet-ts/backend-tfjs');
      return createTfjsBackend({ runtime: target.mode as 'node' | 'wasm' | 'cpu' });
    }
    case 'gpujs': {
      const { createGpujsBackend } = await import('@lenet-ts/backend-gpujs');
      return createGpujsBackend({ mode: target.mode as 'headlessgl' | 'webgpu' | 'webasm' | 'cpu' });
    }
    default:
      throw new Error(`unknown backend "${target.backend}"`);
  }
}
