import { BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';

/** backend-cpu as the tools see it: no modes, a thread count; nothing is loaded until `create`. */
export const cpuProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'cpu',
  description: 'pure TypeScript on worker threads',
  modes: [],
  defaultMode: undefined,
  packageName: '@lenet-ts/backend-cpu',
  libraries: [],
  threaded: true,
  displayModes: [],
  async create(options = {}) {
    const { createCpuBackend } = await import('./create-node.js');
    return createCpuBackend({ threads: options.threads });
  },
  // Plain TypeScript and worker_threads: it runs wherever Node does.
  availability: async () => ({ available: true }),
};
