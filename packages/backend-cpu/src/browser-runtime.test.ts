import { runBackendConformance } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from './create-browser.js';

// The browser build's runtime, run here: one thread, no worker_threads (the page tests run it in Chromium too).
runBackendConformance('cpu', () => createCpuBackend(), { label: 'browser runtime, one thread' });

describe('the cpu backend in a browser', () => {
  it('says it runs one thread and whether the page is cross-origin isolated', () => {
    const backend = createCpuBackend();
    expect(backend.description).toBe('pure TypeScript (1 thread, in the browser: not cross-origin isolated, no worker threads)');
    backend.close();
  });

  it('refuses more threads in one line naming the fix', () => {
    expect(() => createCpuBackend({ threads: 4 })).toThrow(/4 threads asked, but in a browser .*; use threads: 1$/);
  });
});
