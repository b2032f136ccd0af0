import { describe, expect, it } from 'vitest';
import { createTfjsBackend, type TfjsRuntimeRequest } from './index.js';

describe('runtime selection', () => {
  it('wasm runs on WebAssembly with SIMD, single-threaded (Node cannot start its blob: URL workers)', async () => {
    const backend = await createTfjsBackend({ runtime: 'wasm' });
    try {
      expect(backend.runtime).toBe('wasm');
      expect(backend.tf.getBackend()).toBe('wasm');
      expect(backend.description).toBe('SIMD, 1 thread');
      expect(backend.notes.map((n) => n.runtime)).toEqual(['node', 'webgpu', 'cpu']);
      expect(backend.notes.every((n) => n.reason === 'not tried: wasm was requested')).toBe(true);
    } finally {
      backend.close();
    }
  });

  it('cpu runs the plain JavaScript kernels', async () => {
    const backend = await createTfjsBackend({ runtime: 'cpu' });
    try {
      expect(backend.runtime).toBe('cpu');
      expect(backend.tf.getBackend()).toBe('cpu');
      expect(backend.description).toBe('plain JavaScript, 1 thread');
    } finally {
      backend.close();
    }
  });

  it('webgl in Node is refused in one line that names the cause and the fallback', async () => {
    await expect(createTfjsBackend({ runtime: 'webgl' })).rejects.toThrow(
      'tfjs runtime "webgl" is unavailable: WebGL needs a browser page or Worker; Node has no WebGL context; use runtime auto (tfjs:auto) to fall back to one that loads',
    );
  });

  it('an unknown runtime is refused with the valid choices', async () => {
    await expect(createTfjsBackend({ runtime: 'metal' as TfjsRuntimeRequest })).rejects.toThrow(
      'unknown tfjs runtime "metal"; choose one of: auto, node, webgpu, wasm, cpu, webgl',
    );
  });

  it('two backends on different runtimes in one process each keep computing on their own', async () => {
    const wasm = await createTfjsBackend({ runtime: 'wasm' });
    const cpu = await createTfjsBackend({ runtime: 'cpu' });
    try {
      const x = new Float32Array([-2, -0.5, 0, 1.5]);
      for (const [backend, name] of [
        [wasm, 'wasm'],
        [cpu, 'cpu'],
        [wasm, 'wasm'],
      ] as const) {
        const h = backend.upload(x);
        const y = backend.activation(h, 4, 'relu');
        // tfjs has one global engine: each primitive must switch it back to its own runtime.
        expect(backend.tf.getBackend()).toBe(name);
        expect(Array.from(await backend.read(y))).toEqual([0, 0, 0, 1.5]);
        backend.dispose(h);
        backend.dispose(y);
      }
    } finally {
      wasm.close();
      cpu.close();
    }
  });
});

describe('memory accounting', () => {
  it('memory() counts exactly the handles handed out and not yet disposed, and close() frees them', async () => {
    const backend = await createTfjsBackend({ runtime: 'wasm' });
    const before = backend.tf.memory().numTensors;
    const a = backend.upload(new Float32Array(6));
    const b = backend.upload(new Float32Array(4));
    expect(backend.memory()).toEqual({ handles: 2, bytes: 40 });
    backend.dispose(a);
    backend.dispose(a); // a second dispose is a no-op
    expect(backend.memory()).toEqual({ handles: 1, bytes: 16 });
    backend.close();
    expect(b.isDisposed).toBe(true);
    expect(backend.tf.memory().numTensors).toBe(before);
    expect(() => backend.upload(new Float32Array(1))).toThrow('used after close()');
  });

  it('a disposed handle is refused with a message that names the fix', async () => {
    const backend = await createTfjsBackend({ runtime: 'cpu' });
    try {
      const h = backend.upload(new Float32Array([1, 2]));
      backend.dispose(h);
      expect(() => backend.activation(h, 2, 'sigmoid')).toThrow('activation input is disposed or was not made by this backend');
    } finally {
      backend.close();
    }
  });
});
