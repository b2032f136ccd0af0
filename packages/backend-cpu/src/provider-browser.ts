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
    const backend = createCpuBackend({ threads: options.threads });
    // A Worker's Web Workers start only once it yields to its event loop, which a run of tasks awaiting
    // only settled promises never does: start them here, so that they share the first tasks.
    await backend.startWorkers();
    return backend;
  },
  // Plain TypeScript: it runs in every page and Worker.
  availability: async () => ({ available: true }),
};
