import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { createReferenceBackend } from './testing/reference-backend.js';

describe('Engine.scope', () => {
  it('disposes what the scope made except what it returns, nested results included', () => {
    const engine = new Engine(createReferenceBackend());
    const kept = engine.scope(() => {
      engine.upload(new Float32Array(4), [4]);
      const a = engine.upload(new Float32Array(2), [2]);
      const b = engine.upload(new Float32Array(3), [3]);
      return { a, list: [b] };
    });
    expect(engine.memory()).toMatchObject({ tensors: 2, handles: 2 });
    kept.a.dispose();
    kept.list[0]!.dispose();
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
  });

  it('frees everything the scope made when it throws', () => {
    const engine = new Engine(createReferenceBackend());
    expect(() =>
      engine.scope(() => {
        engine.upload(new Float32Array(4), [4]);
        throw new Error('primitive failed');
      }),
    ).toThrow('primitive failed');
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
  });

  it('shares data between a tensor and its reshaped view until both are disposed', () => {
    const engine = new Engine(createReferenceBackend());
    const t = engine.upload(new Float32Array(6), [2, 3]);
    const view = t.reshape([6]);
    t.dispose();
    expect(engine.memory().handles).toBe(1);
    view.dispose();
    expect(engine.memory()).toMatchObject({ tensors: 0, handles: 0 });
    expect(() => view.handle).toThrow(/used after dispose/);
  });
});
