import { describe, expect, it } from 'vitest';
import { describeMachine } from './machine.js';

describe('describeMachine', () => {
  it("finds the installed versions of the peer's and every backend's libraries", () => {
    const { versions } = describeMachine();
    expect(Object.keys(versions)).toEqual(expect.arrayContaining(['@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-wasm', 'gpu.js']));
    for (const [name, version] of Object.entries(versions)) expect(version, name).toMatch(/^\d+\.\d+\.\d+/);
  });
});
