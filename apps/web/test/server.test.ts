import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundServer } from '../src/server/server.js';
import { servePlayground } from './playground-server.js';

describe('the playground server', () => {
  let served: PlaygroundServer;
  beforeAll(async () => {
    served = await servePlayground();
  });
  afterAll(() => served.close());

  it('serves the page cross-origin isolated on loopback', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(served.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page.text()).toContain('<title>LeNet playground</title>');
  });

  it('sends the .gz data files as bytes, never with a Content-Encoding', async () => {
    const response = await fetch(new URL('data/fashion-mnist/t10k-labels-idx1-ubyte.gz', served.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBeNull();
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
  });

  it('serves the tfjs wasm binaries as application/wasm and refuses paths outside the page', async () => {
    const wasm = await fetch(new URL('tfjs-wasm/tfjs-backend-wasm-simd.wasm', served.url));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect((await fetch(new URL('data/fashion-mnist/passwd', served.url))).status).toBe(404);
    expect((await fetch(`${served.url}..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});
