import { conv2dInfo, pool2dInfo } from '@lenet-ts/core';
import { describe, expect, it } from 'vitest';
import { ChunkScheduler } from './chunk-scheduler.js';
import { PooledHandles } from './memory.js';
import { SharedMemory } from './shared-memory.js';
import { activationCode, activationKind, Task, TaskBlock } from './task.js';

/** The calling thread's memory and the table a thread decodes from: here both are the same pool. */
function setup(): { block: TaskBlock; memory: SharedMemory; handles: PooledHandles; handle: (size: number) => Float32Array } {
  const memory = new SharedMemory(() => {});
  const handles = new PooledHandles(memory);
  return { block: new TaskBlock(), memory, handles, handle: (size) => handles.allocate(size) };
}

const plan = new ChunkScheduler(3).split(10, 1, true);

/** Whether a decoded buffer is the handle's memory (decoding gives whole-buffer views of its own). */
function same(decoded: Float32Array | Float64Array | null, handle: Float32Array | null): boolean {
  return decoded === null || handle === null ? decoded === handle : decoded.buffer === handle.buffer;
}

describe('task kinds', () => {
  it('each have an op of their own', () => {
    const ops = Object.values(Task).map((kind) => kind.op);
    expect(new Set(ops).size).toBe(ops.length);
  });

  it('carry the chunk cut: chunk c covers units [c * chunkSize, min((c + 1) * chunkSize, units))', () => {
    const { block, handles, handle } = setup();
    const cut = new ChunkScheduler(2).split(10, 4, true);
    Task.activation.encode(block, handles, cut, { x: handle(10), y: handle(10), activation: 2 });
    expect(Array.from({ length: cut.chunks }, (_, c) => [block.chunkStart(c), block.chunkEnd(c)])).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });

  it('decode conv2d, conv2dBackwardInput and conv2dBackwardFilter as encoded', () => {
    const { block, memory, handles, handle } = setup();
    const info = conv2dInfo([2, 9, 7, 3], [3, 2, 3, 5], [2, 1], 'same');
    const geometry = {
      batch: 2,
      inHeight: 9,
      inWidth: 7,
      inChannels: 3,
      outHeight: 5,
      outWidth: 7,
      outChannels: 5,
      filterHeight: 3,
      filterWidth: 2,
      strideHeight: 2,
      strideWidth: 1,
      padTop: info.padTop,
      padLeft: info.padLeft,
    };
    const [x, filter, bias, y] = [handle(378), handle(90), handle(5), handle(350)];
    for (const withBias of [bias, null]) {
      Task.conv2d.encode(block, handles, plan, { x, filter, bias: withBias, y, activation: activationCode('sigmoid'), geometry: info });
      const t = Task.conv2d.decode(block, memory);
      expect(block.op).toBe(Task.conv2d.op);
      expect([same(t.x, x), same(t.filter, filter), same(t.bias, withBias), same(t.y, y)]).toEqual([true, true, true, true]);
      expect(activationKind(t.activation)).toBe('sigmoid');
      expect(t.geometry).toEqual(geometry);
    }
    Task.conv2dBackwardInput.encode(block, handles, plan, { dy: y, filter, dx: x, geometry: info });
    const input = Task.conv2dBackwardInput.decode(block, memory);
    expect([same(input.dy, y), same(input.filter, filter), same(input.dx, x)]).toEqual([true, true, true]);
    expect(input.geometry).toEqual(geometry);
    const partialId = memory.allocate(1024);
    Task.conv2dBackwardFilter.encode(block, handles, plan, { x, dy: y, partial: partialId, geometry: info });
    const filterGrad = Task.conv2dBackwardFilter.decode(block, memory);
    expect([same(filterGrad.x, x), same(filterGrad.dy, y), filterGrad.partial === memory.float64(partialId)]).toEqual([true, true, true]);
    expect(filterGrad.geometry).toEqual(geometry);
  });

  it('decode matMul as encoded', () => {
    const { block, memory, handles, handle } = setup();
    const [a, b, bias, c] = [handle(6), handle(12), handle(4), handle(8)];
    for (const [transposeA, transposeB, splitColumns] of [
      [0, 0, 0],
      [1, 0, 1],
      [0, 1, 0],
      [1, 1, 1],
    ]) {
      const numbers = { activation: activationCode('relu'), m: 2, k: 3, n: 4, transposeA: transposeA!, transposeB: transposeB!, splitColumns: splitColumns! };
      Task.matMul.encode(block, handles, plan, { a, b, bias, c, ...numbers });
      const t = Task.matMul.decode(block, memory);
      expect([same(t.a, a), same(t.b, b), same(t.bias, bias), same(t.c, c)]).toEqual([true, true, true, true]);
      expect({ activation: t.activation, m: t.m, k: t.k, n: t.n, transposeA: t.transposeA, transposeB: t.transposeB, splitColumns: t.splitColumns }).toEqual(
        numbers,
      );
    }
    Task.matMul.encode(block, handles, plan, { a, b, bias: null, c, activation: 0, m: 2, k: 3, n: 4, transposeA: 0, transposeB: 0, splitColumns: 0 });
    expect(Task.matMul.decode(block, memory).bias).toBeNull();
  });

  it('decode maxPool and maxPoolBackward as encoded', () => {
    const { block, memory, handles, handle } = setup();
    const info = pool2dInfo([2, 7, 6, 3], [3, 2], [2, 1], 'same');
    const geometry = {
      batch: 2,
      inHeight: 7,
      inWidth: 6,
      channels: 3,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      poolHeight: 3,
      poolWidth: 2,
      strideHeight: 2,
      strideWidth: 1,
      padTop: info.padTop,
      padLeft: info.padLeft,
    };
    const [x, y, argmax] = [handle(252), handle(144), handle(144)];
    Task.maxPool.encode(block, handles, plan, { x, y, argmax, geometry: info });
    const forward = Task.maxPool.decode(block, memory);
    expect([same(forward.x, x), same(forward.y, y), same(forward.argmax, argmax)]).toEqual([true, true, true]);
    expect(forward.geometry).toEqual(geometry);
    Task.maxPoolBackward.encode(block, handles, plan, { dy: y, argmax, dx: x, geometry: info });
    const backward = Task.maxPoolBackward.decode(block, memory);
    expect([same(backward.dy, y), same(backward.argmax, argmax), same(backward.dx, x)]).toEqual([true, true, true]);
    expect(backward.geometry).toEqual(geometry);
  });

  it('decode activation, activationBackward, biasGrad and sgdUpdate as encoded', () => {
    const { block, memory, handles, handle } = setup();
    const [p, q, r] = [handle(40), handle(40), handle(40)];
    for (const kind of ['linear', 'sigmoid', 'relu'] as const) {
      Task.activation.encode(block, handles, plan, { x: p, y: q, activation: activationCode(kind) });
      const forward = Task.activation.decode(block, memory);
      expect([same(forward.x, p), same(forward.y, q), activationKind(forward.activation)]).toEqual([true, true, kind]);
      Task.activationBackward.encode(block, handles, plan, { dy: p, y: q, dx: r, activation: activationCode(kind) });
      const backward = Task.activationBackward.decode(block, memory);
      expect([same(backward.dy, p), same(backward.y, q), same(backward.dx, r), activationKind(backward.activation)]).toEqual([true, true, true, kind]);
    }
    const partialId = memory.allocate(4096);
    Task.biasGrad.encode(block, handles, plan, { dy: p, partial: partialId, channels: 8 });
    const bias = Task.biasGrad.decode(block, memory);
    expect([same(bias.dy, p), bias.partial === memory.float64(partialId), bias.channels]).toEqual([true, true, 8]);
    for (const velocity of [r, null]) {
      const numbers = { learningRate: 0.1, momentum: 0.9, nesterov: velocity === null ? 0 : 1 };
      Task.sgdUpdate.encode(block, handles, plan, { param: p, grad: q, velocity, ...numbers });
      const t = Task.sgdUpdate.decode(block, memory);
      expect([same(t.param, p), same(t.grad, q), same(t.velocity, velocity)]).toEqual([true, true, true]);
      expect({ learningRate: t.learningRate, momentum: t.momentum, nesterov: t.nesterov }).toEqual(numbers);
    }
  });
});
