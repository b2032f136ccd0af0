import { BACKEND_PROVIDER_VERSION, type BackendProvider } from '@lenet-ts/core';

/** backend-cpu in a browser (the `browser` condition of ./provider): no modes; Web Workers where the context allows. */
export const cpuProvider: BackendProvider = {
  providerVersion: BACKEND_PROVIDER_VERSION,
  name: 'cpu',
  description: 'pure TypeScript, on Web Workers in a cross-origin isolated Worker, else one thread',
  modes: [],
  defaultMode: undefined,
  packageName: '@lenet-ts/backend-cpu',
  libraries: [],
  threaded: true,
  displayModes: [],
  async create(options = {}) {
    const { createCpuBackend } = await import('./create-browser.js');
    return createCpuBackend({ threads: options.threads });
  },
  // Plain TypeScript: it runs in every page and Worker.
  availability: async () => ({ available: true }),
};
