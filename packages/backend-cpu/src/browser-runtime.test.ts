import { runBackendConformance } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './create-browser.js';

// The browser build's runtime, run here: one thread, no worker_threads (apps/web's tests run its Web Workers in Chromium).
runBackendConformance('cpu', () => createCpuBackend(), { label: 'browser runtime, one thread' });

describe('the cpu backend in a browser', () => {
  it('says it runs one thread and why (here: no cross-origin isolation, so no Web Workers)', () => {
    const backend = createCpuBackend();
    expect(backend.description).toBe('pure TypeScript (1 thread: not cross-origin isolated, so no Web Workers)');
    backend.close();
  });

  it('refuses more threads in one line naming the fix', () => {
    expect(() => createCpuBackend({ threads: 4 })).toThrow(/4 threads asked, but in a browser .*; use threads: 1$/);
  });
});
