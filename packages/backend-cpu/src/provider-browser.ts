import { BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';

/** backend-cpu in a browser (the `browser` condition of ./provider): no modes, one thread. */
export const cpuProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'cpu',
  description: 'pure TypeScript, one thread in a browser',
  modes: [],
  defaultMode: undefined,
  packageName: '@lenet-ts/backend-cpu',
  libraries: [],
  threaded: false,
  displayModes: [],
  async create(options = {}) {
    const { createCpuBackend } = await import('./create-browser.js');
    return createCpuBackend({ threads: options.threads });
  },
  // Plain TypeScript: it runs in every page and Worker.
  availability: async () => ({ available: true }),
};
