import { sliceDataset } from '@lenet-ts/core';
import { loadFashionMnist } from '@lenet-ts/core/data';
import { describe, expect, it } from 'vitest';
import { createConvnetjsPeer } from './convnetjs-peer.js';

describe('convnetjs-peer', () => {
  it('really trains the LeNet: the loss falls pass after pass below chance, and the same seed repeats it', async () => {
    const { train } = await loadFashionMnist();
    // Two batches of 32, twelve times: raw pixels into sigmoids start slowly (the recipe's stall), so a
    // handful of steps on many images would show little; repeated steps on few images show the updates work.
    const data = sliceDataset(train, 0, 64);
    const losses: number[] = [];
    const peer = await createConvnetjsPeer(0);
    for (let pass = 0; pass < 12; pass++) {
      await peer.train(data, 32);
      losses.push(peer.lastLoss());
    }
    console.log(`convnetjs-peer loss per pass over 64 images: ${losses.map((l) => l.toFixed(4)).join(', ')}`);
    expect(losses.every(Number.isFinite)).toBe(true);
    const last = losses.slice(-5);
    for (let i = 1; i < last.length; i++) expect(last[i]!).toBeLessThan(last[i - 1]!);
    expect(last.at(-1)!).toBeLessThan(Math.log(10));
    expect(last.at(-1)!).toBeLessThan(losses[0]!);
    const again = await createConvnetjsPeer(0);
    await again.train(data, 32);
    expect(again.lastLoss()).toBe(losses[0]);
  });

  it('infers one image at a time and says what ran', async () => {
    const { test } = await loadFashionMnist();
    const peer = await createConvnetjsPeer(0);
    expect(peer.description).toMatch(/ConvNetJS 0\.3\.0/);
    expect(await peer.infer(sliceDataset(test, 0, 64), 256)).toBeGreaterThan(0);
  });
});
