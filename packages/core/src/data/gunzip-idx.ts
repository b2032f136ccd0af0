import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { DataError } from './data-error.js';
import { DEFAULT_MAX_BYTES, isGzip, MAX_DIMS, readIdx, readIdxHeader } from './idx.js';
import type { IdxArray, IdxReadOptions } from './idx.js';

// Node's zlib side of IDX reading; idx.ts itself stays portable (browsers decompress with DecompressionStream).

/**
 * Parses an IDX file of unsigned bytes (gzip or not). The returned data is a view into `bytes`
 * (or into the gunzipped copy), not a copy.
 */
export function parseIdx(bytes: Uint8Array, options: IdxReadOptions = {}): IdxArray {
  return readIdx(gunzipIdx(bytes, options), options);
}

/**
 * The uncompressed IDX bytes: `bytes` itself when not gzip, else gunzipped with the output bounded by
 * what the (already validated) header declares, so neither a lying header nor a gzip bomb can make
 * us allocate more than `maxBytes`.
 */
export function gunzipIdx(bytes: Uint8Array, options: IdxReadOptions = {}): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const name = options.name ?? 'IDX data';
  const header = peekGzip(bytes, name);
  const { headerBytes, payloadBytes } = readIdxHeader(header, name, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const expected = headerBytes + payloadBytes;
  try {
    // One byte of slack so "longer than declared" is told apart from "exactly right".
    return gunzipSync(bytes, { maxOutputLength: expected + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError('invalid', `${name} decompresses to more than the ${expected} bytes its header declares`);
    }
    throw new DataError('invalid', `${name} is a corrupt or truncated gzip file (${(error as Error).message})`);
  }
}

/** Decompresses just enough of a gzip stream to see the IDX header (the whole header is < 40 bytes). */
function peekGzip(bytes: Uint8Array, name: string): Uint8Array {
  const needed = 4 + 4 * MAX_DIMS;
  // A gzip header may carry a file name or comment of any length, so widen the window until it yields.
  try {
    for (let window = 1024; ; window *= 16) {
      // Z_SYNC_FLUSH returns what a prefix decodes to instead of failing on the missing end.
      const out = gunzipSync(bytes.subarray(0, window), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
      if (out.length >= needed) return out;
      // The whole stream decodes to a few bytes: a tiny file, or a broken one that a strict pass exposes.
      if (window >= bytes.length) return gunzipSync(bytes);
    }
  } catch (error) {
    throw new DataError('invalid', `${name} is a corrupt or truncated gzip file (${(error as Error).message})`);
  }
}
