// Keras SGD as the optimizer object states it: its checks, the update with and without (Nesterov) momentum,
// the step count that drives a schedule, and the velocities it keeps (what survived mutation).
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import type { Param } from '../layers/layer.js';
import { exponentialDecay } from '../learning-rate.js';
import { SGD } from '../optimizers.js';
import { createReferenceBackend } from '../testing/reference-backend.js';

const f = Math.fround;

function setup(values: number[]): { engine: Engine; param: Param; step: (opt: SGD, grad: number[]) => Promise<number[]> } {
  const engine = new Engine(createReferenceBackend());
  const param: Param = { name: 'w', value: engine.keep(engine.upload(Float32Array.from(values), [values.length])), grad: null };
  const step = async (opt: SGD, grad: number[]) => {
    param.grad = engine.upload(Float32Array.from(grad), [grad.length]);
    opt.apply(engine, [param]);
    return Array.from(await param.value.data());
  };
  return { engine, param, step };
}

describe('SGD options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses the learning rate %d', (rate) => {
    expect(() => new SGD({ learningRate: rate })).toThrow(`learning rate must be a positive number, got ${rate}`);
  });

  it('checks the rate a schedule starts with', () => {
    const schedule = Object.assign(() => 0, { description: 'zero' });
    expect(() => new SGD({ learningRate: schedule })).toThrow('learning rate must be a positive number, got 0');
  });

  it.each([-0.1, 1, 1.5])('refuses momentum %d (it must be in [0, 1))', (momentum) => {
    expect(() => new SGD({ momentum })).toThrow(`momentum must be in [0, 1), got ${momentum}`);
  });

  it('defaults: lr 0.01, no momentum, no Nesterov; momentum 0 and 0.99 are fine', () => {
    const opt = new SGD();
    expect([opt.learningRate, opt.momentum, opt.nesterov, opt.iterations]).toEqual([0.01, 0, false, 0]);
    expect(new SGD({ momentum: 0.9 }).nesterov).toBe(false);
    expect(new SGD({ momentum: 0.99, nesterov: true }).nesterov).toBe(true);
    expect(new SGD({ momentum: 0 }).momentum).toBe(0);
  });
});

describe('SGD.apply', () => {
  it('plain: p -= lr g, one step counted per apply, no velocity kept', async () => {
    const { step } = setup([1, 2]);
    const opt = new SGD({ learningRate: 0.5 });
    expect(await step(opt, [0.25, -1])).toEqual([f(1 - 0.125), 2.5]);
    expect(opt.iterations).toBe(1);
    await step(opt, [0, 0]);
    expect(opt.iterations).toBe(2);
    expect(opt.state().size).toBe(0);
  });

  it('momentum: v = m v - lr g; p += v, with one velocity per weight kept across steps', async () => {
    const { step, param } = setup([1]);
    const opt = new SGD({ learningRate: 0.5, momentum: 0.5 });
    // v1 = -0.5, p1 = 0.5; v2 = -0.25 - 0.5 = -0.75, p2 = -0.25.
    expect(await step(opt, [1])).toEqual([0.5]);
    expect(await step(opt, [1])).toEqual([-0.25]);
    expect([...opt.state().keys()]).toEqual([param]);
    expect(Array.from(await opt.state().get(param)!.data())).toEqual([-0.75]);
  });

  it('Nesterov: p += m v - lr g with the new velocity', async () => {
    const { step } = setup([1]);
    const opt = new SGD({ learningRate: 0.5, momentum: 0.5, nesterov: true });
    // v1 = -0.5; p1 = 1 + 0.5 * -0.5 - 0.5 = 0.25.
    expect(await step(opt, [1])).toEqual([0.25]);
  });

  it('a schedule gets the step count: the rate falls as updates are applied', async () => {
    const { step } = setup([0]);
    const opt = new SGD({ learningRate: exponentialDecay(1, 1, 0.5) });
    expect(opt.learningRate).toBe(1);
    expect(await step(opt, [1])).toEqual([-1]);
    expect(opt.learningRate).toBe(0.5);
    expect(await step(opt, [1])).toEqual([-1.5]);
  });

  it('refuses a weight without a gradient, naming it', () => {
    const { engine, param } = setup([1]);
    expect(() => new SGD().apply(engine, [param])).toThrow('no gradient for w; run backward first');
  });
});

describe('SGD.setState', () => {
  it('restores velocities the next update uses, and refuses one of the wrong size', async () => {
    const { engine, param, step } = setup([1]);
    const opt = new SGD({ learningRate: 0.5, momentum: 0.5 });
    expect(() => opt.setState(engine, new Map([[param, new Float32Array(2)]]))).toThrow('velocity for w holds 2 values, the weight 1');
    opt.setState(engine, new Map([[param, Float32Array.of(-2)]]));
    // v = 0.5 * -2 - 0.5 = -1.5; p = -0.5.
    expect(await step(opt, [1])).toEqual([-0.5]);
  });
});
