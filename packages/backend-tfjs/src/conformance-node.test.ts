import { createRequire } from 'node:module';
import { runBackendConformance } from '@lenet-ts/core/testing';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend, TfjsRuntimeError } from './index.js';
import { describeTfjsAdapter, provideTfjsWebGpu } from './webgpu-adapter.js';

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
    it('auto takes webgpu on a hardware adapter, else falls back to wasm, and says why tfjs-node was not used', async () => {
      const adapter = await provideTfjsWebGpu().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      const backend = await createTfjsBackend({ runtime: 'auto' });
      try {
        console.log(`tfjs auto ran: ${backend.description}`);
        expect(backend.notes[0]!.runtime).toBe('node');
        expect(backend.notes[0]!.reason.length).toBeGreaterThan(0);
        expect(backend.description).not.toContain('\n');
        if (typeof adapter !== 'string' && !adapter.software) {
          expect(backend.runtime).toBe('webgpu');
          expect(backend.description).toMatch(/^on .*\[hardware, .*tfjs-node not used: .+$/);
          return;
        }
        const why = typeof adapter === 'string' ? adapter : `only a software adapter, ${describeTfjsAdapter(adapter)}, which is slower than wasm`;
        expect(backend.runtime).toBe('wasm');
        expect(backend.notes.map((n) => [n.runtime, n.reason])).toEqual([
          ['node', backend.notes[0]!.reason],
          ['webgpu', why],
        ]);
        expect(backend.description).toMatch(/^SIMD.*tfjs-node not used: .+; tfjs-backend-webgpu not used: .+$/);
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
