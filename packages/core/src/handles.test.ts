import { describe, expect, it } from 'vitest';
import { HandleError, HandleRegistry } from './handles.js';

describe('HandleRegistry', () => {
  it('counts live handles and their bytes until each is deleted once', () => {
    const registry = new HandleRegistry<object>('test');
    const a = registry.add({}, 40);
    const b = registry.add({}, 8);
    registry.add(a, 40);
    expect([registry.handles, registry.bytes]).toEqual([2, 48]);
    expect(registry.delete(a)).toBe(true);
    expect(registry.delete(a)).toBe(false);
    expect(registry.delete({})).toBe(false);
    expect([registry.handles, registry.bytes, registry.has(b)]).toEqual([1, 8, true]);
  });

  it('names the backend and the use in the error for a dead handle', () => {
    const registry = new HandleRegistry<object>('test');
    const gone = registry.add({}, 4);
    registry.delete(gone);
    expect(() => registry.assertLive(gone, 'conv2d input')).toThrow(
      new HandleError('test backend: conv2d input is disposed or was not made by this backend; keep handles alive until their last use'),
    );
    expect(HandleError.closed('test').message).toBe('test backend: used after close(); create a new backend');
  });

  it('drains what a strong registry holds', () => {
    const registry = new HandleRegistry<object>('test');
    const handles = [registry.add({}, 4), registry.add({}, 4)];
    expect(registry.drain()).toEqual(handles);
    expect([registry.handles, registry.bytes]).toEqual([0, 0]);
  });

  it('with onCollected, forgets a handle the program dropped and hands back its token', async () => {
    const collected: number[] = [];
    const registry = new HandleRegistry<object, number>('test', { onCollected: (token) => collected.push(token) });
    (() => {
      registry.add({}, 16, 7);
    })();
    expect(registry.handles).toBe(1);
    expect(() => registry.drain()).toThrow(/keeps its handles/);
    const gc = (globalThis as { gc?: () => void }).gc;
    for (let i = 0; i < 200 && collected.length === 0; i++) {
      if (gc) gc();
      else new Array(1e6).fill(i);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(collected).toEqual([7]);
    expect([registry.handles, registry.bytes]).toEqual([0, 0]);
  });
});
