import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fetchFashionMnist } from './fetch-fashion-mnist.js';
import type { FashionMnistFile } from './fashion-mnist-files.js';
import { checksumsOf, dataErrorOf, syntheticFashionMnist } from './test-fixtures.js';

// The browser loader runs on Node's own fetch, DecompressionStream and crypto.subtle (the same web APIs),
// against a fetch that answers from memory like a static server.
function serving(files: Record<string, Uint8Array>, headers: Record<string, string> = {}): typeof fetch {
  return async (input: string | URL | Request) => {
    const name = new URL(input instanceof Request ? input.url : input).pathname.split('/').pop()!;
    const body = files[name];
    return body ? new Response(body as Uint8Array<ArrayBuffer>, { headers }) : new Response('missing', { status: 404 });
  };
}

const gzipped = (files: Record<FashionMnistFile, Uint8Array>) =>
  Object.fromEntries(Object.entries(files).map(([file, bytes]) => [`${file}.gz`, gzipSync(bytes)]));

describe('fetchFashionMnist (browser loader)', () => {
  it('fetches, gunzips, verifies and splits the four files, reporting progress', async () => {
    const files = syntheticFashionMnist(3, 5, 3);
    const progress: string[] = [];
    const data = await fetchFashionMnist({
      baseUrl: 'http://127.0.0.1/data',
      fetch: serving(gzipped(files)),
      expectedChecksums: checksumsOf(files),
      onProgress: (p) => p.done && progress.push(p.file),
    });
    expect(data.train.count).toBe(5);
    expect(data.test.count).toBe(3);
    expect(data.train.sampleShape).toEqual([28, 28, 1]);
    expect(Array.from(data.train.labels)).toEqual(Array.from(files['train-labels-idx1-ubyte'].subarray(8)));
    expect(progress.sort()).toEqual(['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte']);
    expect(data.source).toBe('http://127.0.0.1/data/');
  });

  it('refuses a file whose uncompressed SHA-256 differs, naming its URL and the fix', async () => {
    const files = syntheticFashionMnist(3);
    const error = await dataErrorOf(fetchFashionMnist({ baseUrl: 'http://127.0.0.1/d/', fetch: serving(gzipped(files)) }));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/http:\/\/127\.0\.0\.1\/d\/.*ubyte\.gz has SHA-256 .*; serve the four Fashion-MNIST files/);
  });

  it('says which URL is missing', async () => {
    const error = await dataErrorOf(fetchFashionMnist({ baseUrl: 'http://127.0.0.1/none/', fetch: serving({}) }));
    expect(error.code).toBe('download');
    expect(error.message).toMatch(/HTTP 404/);
  });
});
