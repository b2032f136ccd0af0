import { createRequire } from 'node:module';
import { runBackendConformance } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend, TfjsRuntimeError } from './index.js';

/** Whether tfjs-node's native binding loads here, probed independently of the code under test. */
function nodeLoadFailure(): string | null {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return null;
  } catch (error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  }
}

const failure = nodeLoadFailure();

if (failure === null) {
  runBackendConformance('tfjs', () => createTfjsBackend({ runtime: 'node' }), { label: 'node' });
} else {
  // Never a silent skip: where tfjs-node cannot load, what auto does instead is the behaviour under test.
  describe(`tfjs-node does not load here (${failure})`, () => {
    it('auto falls back to wasm and says why tfjs-node was not used', async () => {
      const backend = await createTfjsBackend({ runtime: 'auto' });
      try {
        console.log(`tfjs auto ran: ${backend.description}`);
        expect(backend.runtime).toBe('wasm');
        expect(backend.notes).toHaveLength(1);
        expect(backend.notes[0]!.runtime).toBe('node');
        expect(backend.notes[0]!.reason.length).toBeGreaterThan(0);
        expect(backend.description).toMatch(/^wasm \(.*tfjs-node not used: .+\)$/);
        expect(backend.description).not.toContain('\n');
      } finally {
        backend.close();
      }
    });

    it('asking for node explicitly fails with TfjsRuntimeError naming the cause', async () => {
      const attempt = createTfjsBackend({ runtime: 'node' });
      await expect(attempt).rejects.toBeInstanceOf(TfjsRuntimeError);
      await expect(attempt).rejects.toThrow(/tfjs runtime "node" is unavailable: .+; use runtime auto \(tfjs:auto\)/);
    });
  });
}
