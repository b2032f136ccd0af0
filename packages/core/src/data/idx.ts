import { DataError } from './data-error.js';

/** An IDX array: its dimensions (outermost first) and its unsigned bytes, row-major. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Options for reading IDX bytes. */
export interface IdxReadOptions {
  /** Names the input in error messages (usually its file path). */
  name?: string;
  /** Largest payload (product of the dims) accepted; guards against absurd headers. Default 1 GiB. */
  maxBytes?: number;
}

const UNSIGNED_BYTE = 0x08;
export const MAX_DIMS = 8;
export const DEFAULT_MAX_BYTES = 2 ** 30;
const ELEMENT_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** True when the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads an uncompressed IDX file of unsigned bytes (decompress `.gz` first: `parseIdx` in Node, `DecompressionStream`
 * in a browser). The returned data is a view into `bytes`, not a copy.
 */
export function readIdx(raw: Uint8Array, options: IdxReadOptions = {}): IdxArray {
  const name = options.name ?? 'IDX data';
  if (isGzip(raw)) throw new DataError('invalid', `${name} is still gzip-compressed; decompress it before reading it as IDX`);
  const { dims, headerBytes, payloadBytes } = readIdxHeader(raw, name, options.maxBytes ?? DEFAULT_MAX_BYTES);
  const expected = headerBytes + payloadBytes;
  if (raw.length !== expected) {
    const problem = raw.length < expected ? 'truncated' : 'too long';
    throw new DataError('invalid', `${name} is ${problem}: ${raw.length} bytes, but its header [${dims.join(', ')}] needs ${expected}`);
  }
  return { dims, data: raw.subarray(headerBytes, expected) };
}

/** Writes dims and unsigned bytes as an IDX file (the inverse of parseIdx, uncompressed). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Reads and validates magic, type and dims; allocates nothing and ignores the payload. */
export function readIdxHeader(raw: Uint8Array, name: string, maxBytes: number): { dims: number[]; headerBytes: number; payloadBytes: number } {
  if (raw.length < 4) throw new DataError('invalid', `${name} is truncated: ${raw.length} bytes, shorter than an IDX header`);
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataError('invalid', `${name} is not an IDX file (magic starts ${hex(raw[0])} ${hex(raw[1])}, expected 0x00 0x00)`);
  }
  const type = raw[2]!; // raw.length >= 4 was checked above
  if (type !== UNSIGNED_BYTE) {
    const known = ELEMENT_TYPES[type];
    throw new DataError(
      'invalid',
      known
        ? `${name} holds ${known} elements (IDX type ${hex(type)}); only unsigned byte (0x08) is supported`
        : `${name} has an unknown IDX element type ${hex(type)}; only unsigned byte (0x08) is supported`,
    );
  }
  const rank = raw[3]!;
  if (rank < 1 || rank > MAX_DIMS) {
    throw new DataError('invalid', `${name} declares ${rank} dimensions; an IDX file here needs 1 to ${MAX_DIMS}`);
  }
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) {
    throw new DataError('invalid', `${name} is truncated: ${raw.length} bytes, shorter than its ${headerBytes}-byte IDX header`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, headerBytes);
  const dims: number[] = [];
  let payloadBytes = 1;
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    payloadBytes *= dim; // stays exact: we stop as soon as it passes maxBytes (< 2^53)
    if (payloadBytes > maxBytes) {
      throw new DataError('invalid', `${name} has an absurd IDX header: dims start [${dims.join(', ')}], more than ${maxBytes} bytes; the file is corrupt`);
    }
  }
  return { dims, headerBytes, payloadBytes };
}

function hex(byte: number | undefined): string {
  return `0x${(byte ?? 0).toString(16).padStart(2, '0')}`;
}
