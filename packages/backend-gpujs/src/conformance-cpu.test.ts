import { runBackendConformance } from '@lenet-ts/core/testing';
import { createGpujsBackend } from './index.js';

// The package's test script runs under xvfb-run, so headlessgl must open here: a failure to, fails.
runBackendConformance('gpujs', () => createGpujsBackend({ mode: 'cpu' }), { label: 'cpu' });
