import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { encodeIdx } from './idx.js';
import { gunzipIdx, parseIdx } from './gunzip-idx.js';

const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 7);
const good = encodeIdx([2, 3, 4], pixels);

/** The DataError a call throws; fails the test when it throws nothing or something else. */
function dataErrorOf(call: () => unknown): DataError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).not.toContain('\n');
    return error as DataError;
  }
  throw new Error('expected a DataError, got none');
}

describe('parseIdx', () => {
  it('reads big-endian dims and the payload of an unsigned-byte file', () => {
    const { dims, data } = parseIdx(good);
    expect(dims).toEqual([2, 3, 4]);
    expect(Array.from(data)).toEqual(Array.from(pixels));
  });

  it('returns a view into the input, not a copy', () => {
    const { data } = parseIdx(good);
    expect(data.buffer).toBe(good.buffer);
    expect(data.byteOffset).toBe(good.byteOffset + 16);
  });

  it('reads dims above 2^24 as unsigned big-endian', () => {
    const header = encodeIdx([0x01020304], new Uint8Array(0));
    expect(Array.from(header.subarray(4, 8))).toEqual([1, 2, 3, 4]);
  });

  it('rejects a wrong magic number, naming the input', () => {
    const bytes = good.slice();
    bytes[0] = 0x50;
    bytes[1] = 0x4b; // a zip file, say
    const error = dataErrorOf(() => parseIdx(bytes, { name: 'weights.zip' }));
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/^weights\.zip is not an IDX file \(magic starts 0x50 0x4b/);
  });

  it('rejects a known element type other than unsigned byte, naming it', () => {
    const bytes = good.slice();
    bytes[2] = 0x0d;
    expect(dataErrorOf(() => parseIdx(bytes)).message).toMatch(/float32 elements \(IDX type 0x0d\); only unsigned byte/);
  });

  it('rejects an unknown element type', () => {
    const bytes = good.slice();
    bytes[2] = 0x42;
    expect(dataErrorOf(() => parseIdx(bytes)).message).toMatch(/unknown IDX element type 0x42/);
  });

  it('rejects zero dimensions and more than eight', () => {
    expect(dataErrorOf(() => parseIdx(Uint8Array.of(0, 0, 8, 0))).message).toMatch(/declares 0 dimensions/);
    expect(dataErrorOf(() => parseIdx(encodeIdx(Array(9).fill(1), Uint8Array.of(1)))).message).toMatch(/declares 9 dimensions/);
  });

  it('rejects a payload shorter than the header declares', () => {
    const error = dataErrorOf(() => parseIdx(good.subarray(0, good.length - 1), { name: 'a.idx' }));
    expect(error.message).toBe('a.idx is truncated: 39 bytes, but its header [2, 3, 4] needs 40');
  });

  it('rejects a file cut inside its header', () => {
    expect(dataErrorOf(() => parseIdx(good.subarray(0, 10))).message).toMatch(/shorter than its 16-byte IDX header/);
    expect(dataErrorOf(() => parseIdx(good.subarray(0, 3))).message).toMatch(/shorter than an IDX header/);
  });

  it('rejects trailing bytes beyond the declared payload', () => {
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(dataErrorOf(() => parseIdx(longer)).message).toMatch(/is too long: 41 bytes/);
  });

  it('rejects absurd dims from the header alone, before touching the payload', () => {
    const absurd = encodeIdx([0xffffffff, 0xffffffff, 0xffffffff], new Uint8Array(0));
    const error = dataErrorOf(() => parseIdx(absurd, { name: 'x.idx' }));
    expect(error.message).toMatch(/^x\.idx has an absurd IDX header: dims start \[4294967295\], more than 1073741824 bytes/);
  });

  it('honours a smaller maxBytes', () => {
    expect(() => parseIdx(good, { maxBytes: 24 })).not.toThrow();
    expect(dataErrorOf(() => parseIdx(good, { maxBytes: 23 })).message).toMatch(/absurd IDX header/);
  });
});

describe('parseIdx on gzip input', () => {
  it('gunzips transparently and gives the same array', () => {
    const parsed = parseIdx(gzipSync(good));
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(Array.from(pixels));
  });

  it('rejects absurd dims inside a gzip before decompressing the payload', () => {
    const absurd = gzipSync(encodeIdx([0xffffffff, 0xffffffff], new Uint8Array(100)));
    expect(dataErrorOf(() => parseIdx(absurd)).message).toMatch(/absurd IDX header/);
  });

  it('stops a gzip that inflates past what its header declares (a gzip bomb)', () => {
    const bomb = new Uint8Array(20_000_000);
    bomb.set(encodeIdx([10], new Uint8Array(10)));
    const error = dataErrorOf(() => gunzipIdx(gzipSync(bomb), { name: 'bomb.gz' }));
    expect(error.message).toBe('bomb.gz decompresses to more than the 18 bytes its header declares');
  });

  it('rejects a truncated gzip with a one-line error naming the file', () => {
    const gz = gzipSync(good);
    const error = dataErrorOf(() => parseIdx(gz.subarray(0, gz.length - 6), { name: 'train.gz' }));
    expect(error.message).toBe('train.gz is a corrupt or truncated gzip file (unexpected end of file)');
  });

  it('reports a gzip cut before the IDX header as a broken gzip, not a short IDX file', () => {
    const gz = gzipSync(good);
    expect(dataErrorOf(() => parseIdx(gz.subarray(0, 12), { name: 'e.gz' })).message).toBe('e.gz is a corrupt or truncated gzip file (unexpected end of file)');
  });

  it('reads a tiny gzip file whose whole content is shorter than the largest header', () => {
    expect(Array.from(parseIdx(gzipSync(encodeIdx([3], Uint8Array.of(4, 5, 6)))).data)).toEqual([4, 5, 6]);
  });

  it('rejects a gzip whose CRC does not match', () => {
    const gz = gzipSync(good);
    gz[gz.length - 8]! ^= 0xff; // first byte of the CRC32 trailer
    expect(dataErrorOf(() => parseIdx(gz, { name: 'c.gz' })).message).toBe('c.gz is a corrupt or truncated gzip file (incorrect data check)');
  });

  it('rejects a gzip with a corrupt deflate stream', () => {
    const gz = gzipSync(good);
    gz.fill(0xff, 10, 14);
    expect(dataErrorOf(() => parseIdx(gz, { name: 'd.gz' })).message).toMatch(/^d\.gz is a corrupt or truncated gzip file \(/);
  });

  it('finds the header behind a long gzip comment', () => {
    const gz = gzipSync(good);
    const comment = new Uint8Array(5000).fill(0x61);
    // Same stream with the FCOMMENT flag and a 5000-byte comment after the 10-byte gzip header.
    const withComment = new Uint8Array(gz.length + comment.length + 1);
    withComment.set(gz.subarray(0, 10));
    withComment[3]! |= 0x10;
    withComment.set(comment, 10);
    withComment.set(gz.subarray(10), 10 + comment.length + 1);
    expect(parseIdx(withComment).dims).toEqual([2, 3, 4]);
  });
});
