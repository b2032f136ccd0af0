import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { consoleLines } from './output-stream.js';

describe('consoleLines', () => {
  it("puts on a console's stream exactly the bytes written, a line at a time, % signs and all", async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const output = consoleLines(new Console({ stdout: stream }));
    output.write('Train on 40 samples\n');
    output.write('Epoch 1/2');
    expect(Buffer.concat(chunks).toString()).toBe('Train on 40 samples\n');
    output.write('\n40/40 - loss: 0.5000 %d %s 100%\n\n');
    expect(Buffer.concat(chunks).toString()).toBe('Train on 40 samples\nEpoch 1/2\n40/40 - loss: 0.5000 %d %s 100%\n\n');
    expect(output.isTTY).toBe(false);
  });
});
