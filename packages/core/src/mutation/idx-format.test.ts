// The IDX reader and writer byte by byte, and each refusal in its own words (what survived mutation).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from '../data/data-error.js';
import { gunzipIdx } from '../data/gunzip-idx.js';
import { encodeIdx, isGzip, readIdx } from '../data/idx.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).code).toBe('invalid');
    return (error as Error).message;
  }
  throw new Error('expected a DataError');
}

describe('encodeIdx', () => {
  it('writes magic 00 00 08 rank, big-endian dims, then the bytes', () => {
    expect(Array.from(encodeIdx([2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)))).toEqual([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(encodeIdx([258], new Uint8Array(0)))).toEqual([0, 0, 8, 1, 0, 0, 1, 2]);
  });
});

describe('isGzip', () => {
  it('needs both magic bytes', () => {
    expect(isGzip(Uint8Array.of(0x1f, 0x8b))).toBe(true);
    expect(isGzip(Uint8Array.of(0x1f))).toBe(false);
    expect(isGzip(Uint8Array.of(0x1f, 0x00))).toBe(false);
    expect(isGzip(Uint8Array.of(0x00, 0x8b))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
  });
});

describe('readIdx', () => {
  it('returns the dims and a view of the payload; the default name is "IDX data"', () => {
    const { dims, data } = readIdx(encodeIdx([2, 2], Uint8Array.of(9, 8, 7, 6)));
    expect(dims).toEqual([2, 2]);
    expect(Array.from(data)).toEqual([9, 8, 7, 6]);
    expect(refusal(() => readIdx(Uint8Array.of(0, 0)))).toBe('IDX data is truncated: 2 bytes, shorter than an IDX header');
  });

  // Built inside the test, so a broken encoder fails the test instead of the file's collection.
  it.each<[string, () => Uint8Array, string]>([
    ['still gzip', () => gzipSync(encodeIdx([1], Uint8Array.of(1))), 'f is still gzip-compressed; decompress it before reading it as IDX'],
    ['a short file', () => Uint8Array.of(0, 0, 8), 'f is truncated: 3 bytes, shorter than an IDX header'],
    ['a first magic byte', () => Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), 'f is not an IDX file (magic starts 0x01 0x00, expected 0x00 0x00)'],
    ['a second magic byte', () => Uint8Array.of(0, 2, 8, 1, 0, 0, 0, 0), 'f is not an IDX file (magic starts 0x00 0x02, expected 0x00 0x00)'],
    ['float32 elements', () => Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 'f holds float32 elements (IDX type 0x0d); only unsigned byte (0x08) is supported'],
    ['signed bytes', () => Uint8Array.of(0, 0, 0x09, 1, 0, 0, 0, 0), 'f holds signed byte elements (IDX type 0x09); only unsigned byte (0x08) is supported'],
    ['int16', () => Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 0), 'f holds int16 elements (IDX type 0x0b); only unsigned byte (0x08) is supported'],
    ['int32', () => Uint8Array.of(0, 0, 0x0c, 1, 0, 0, 0, 0), 'f holds int32 elements (IDX type 0x0c); only unsigned byte (0x08) is supported'],
    ['float64', () => Uint8Array.of(0, 0, 0x0e, 1, 0, 0, 0, 0), 'f holds float64 elements (IDX type 0x0e); only unsigned byte (0x08) is supported'],
    ['an unknown type', () => Uint8Array.of(0, 0, 0x42, 1, 0, 0, 0, 0), 'f has an unknown IDX element type 0x42; only unsigned byte (0x08) is supported'],
    ['rank 0', () => Uint8Array.of(0, 0, 8, 0), 'f declares 0 dimensions; an IDX file here needs 1 to 8'],
    ['rank 9', () => Uint8Array.of(0, 0, 8, 9, ...new Array<number>(36).fill(0)), 'f declares 9 dimensions; an IDX file here needs 1 to 8'],
    ['a cut header', () => Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 1), 'f is truncated: 8 bytes, shorter than its 12-byte IDX header'],
    ['a cut payload', () => encodeIdx([3], Uint8Array.of(1, 2, 3)).subarray(0, 9), 'f is truncated: 9 bytes, but its header [3] needs 11'],
    ['trailing bytes', () => Uint8Array.of(...encodeIdx([1], Uint8Array.of(1)), 0), 'f is too long: 10 bytes, but its header [1] needs 9'],
  ])('refuses %s in one line', (_what, bytes, message) => {
    expect(refusal(() => readIdx(bytes(), { name: 'f' }))).toBe(message);
  });

  it('accepts rank 8, and refuses dims whose product passes maxBytes as soon as it does', () => {
    expect(readIdx(encodeIdx([1, 1, 1, 1, 1, 1, 1, 2], Uint8Array.of(4, 5))).dims).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
    expect(refusal(() => readIdx(encodeIdx([10, 10, 10], new Uint8Array(0)), { name: 'f', maxBytes: 99 }))).toBe(
      'f has an absurd IDX header: dims start [10, 10], more than 99 bytes; the file is corrupt',
    );
    // Exactly maxBytes is allowed.
    expect(readIdx(encodeIdx([10, 10], new Uint8Array(100)), { maxBytes: 100 }).dims).toEqual([10, 10]);
  });
});

describe('gunzipIdx', () => {
  it('passes plain bytes through and gunzips exactly what the header declares', () => {
    const plain = encodeIdx([3], Uint8Array.of(1, 2, 3));
    expect(gunzipIdx(plain)).toBe(plain);
    expect(Array.from(gunzipIdx(gzipSync(plain)))).toEqual(Array.from(plain));
  });

  it('reads a header spread over a long gzip prefix (big files) and a tiny file whose stream is short', () => {
    const big = encodeIdx(
      [200, 28, 28],
      Uint8Array.from({ length: 200 * 784 }, (_, i) => (i * 7919) % 251),
    );
    expect(Buffer.from(gunzipIdx(gzipSync(big), { name: 'big' })).equals(Buffer.from(big))).toBe(true);
    const tiny = encodeIdx([1], Uint8Array.of(5));
    expect(Array.from(gunzipIdx(gzipSync(tiny)))).toEqual(Array.from(tiny));
  });

  it('names the file when it decompresses to more than declared, or is cut', () => {
    const longer = Uint8Array.of(...encodeIdx([2], Uint8Array.of(1, 2)), 9, 9);
    expect(refusal(() => gunzipIdx(gzipSync(longer), { name: 'f.gz' }))).toBe('f.gz decompresses to more than the 10 bytes its header declares');
    expect(refusal(() => gunzipIdx(gzipSync(longer)))).toBe('IDX data decompresses to more than the 10 bytes its header declares');
    const cut = gzipSync(encodeIdx([4000], new Uint8Array(4000).fill(3))).subarray(0, 30);
    expect(refusal(() => gunzipIdx(cut, { name: 'cut.gz' }))).toMatch(/^cut\.gz is a corrupt or truncated gzip file \(.+\)$/);
    const broken = gzipSync(
      encodeIdx(
        [4000],
        Uint8Array.from({ length: 4000 }, (_, i) => (i * 31) % 256),
      ),
    );
    const damaged = broken.slice();
    damaged[damaged.length - 6]! ^= 0xff; // the CRC: only a full decode sees it
    expect(refusal(() => gunzipIdx(damaged, { name: 'crc.gz' }))).toMatch(/^crc\.gz is a corrupt or truncated gzip file \(.+\)$/);
  });
});

describe('gunzipIdx on a gzip header with a long file name (FNAME), as some tools write', () => {
  it('widens its look past the name to the IDX header', async () => {
    const { crc32, deflateRawSync } = await import('node:zlib');
    const idx = encodeIdx(
      [2, 28, 28],
      Uint8Array.from({ length: 2 * 784 }, (_, i) => i % 256),
    );
    const name = new TextEncoder().encode('x'.repeat(1010));
    const trailer = new Uint8Array(8);
    new DataView(trailer.buffer).setUint32(0, crc32(idx), true);
    new DataView(trailer.buffer).setUint32(4, idx.length, true);
    // ID1 ID2 CM=deflate FLG=FNAME MTIME(4) XFL OS, the zero-terminated name, raw deflate, CRC32, ISIZE.
    const gz = Uint8Array.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3, ...name, 0, ...deflateRawSync(idx), ...trailer]);
    expect(Buffer.from(gunzipIdx(gz, { name: 'named.gz' })).equals(Buffer.from(idx))).toBe(true);
  });

  it('names a stream that is not deflate at all', () => {
    expect(refusal(() => gunzipIdx(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff), { name: 'junk.gz' }))).toMatch(
      /^junk\.gz is a corrupt or truncated gzip file \(.+\)$/,
    );
  });
});
