import { sha256 } from './sha256.js';

/**
 * The lenet-ts model file (`.lenet`), format version 1. All integers little-endian:
 *
 *   offset 0    8 bytes  magic "LENET-TS"
 *   offset 8    u32      format version (1)
 *   offset 12   u32      header length H
 *   offset 16   H bytes  header: UTF-8 JSON, `{ kind, tensors: [{ name, dtype, shape }], ...fields }`
 *   16 + H      payload: each tensor's values in header order, float32 or uint32, little-endian
 *   end - 32    32 bytes SHA-256 of every byte before it
 *
 * The header is read and every declared size checked against the file's length before anything is
 * allocated, so a corrupt or hostile header cannot make the reader allocate more than the file holds.
 */
export const MODEL_FILE_MAGIC = 'LENET-TS';
export const MODEL_FILE_VERSION = 1;
/** Refuse bigger files before reading them: a LeNet is 180 KB, a checkpoint about 0.6 MB. */
export const MODEL_FILE_MAX_BYTES = 256 * 2 ** 20;

const PREFIX_BYTES = 16;
const CHECKSUM_BYTES = 32;

export type ModelFileDtype = 'float32' | 'uint32';

export interface ModelFileTensor {
  readonly name: string;
  readonly dtype: ModelFileDtype;
  readonly shape: readonly number[];
  readonly values: Float32Array | Uint32Array;
}

/** What the header JSON holds besides the tensor table: the kind of file and whatever fields it defines. */
export interface ModelFileHeader {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface ModelFileContents {
  readonly header: ModelFileHeader;
  readonly tensors: ReadonlyMap<string, ModelFileTensor>;
}

export type ModelFileErrorCode = 'not-a-model' | 'version' | 'truncated' | 'corrupt' | 'checksum' | 'architecture';

/** A model or checkpoint file that cannot be used: one line naming the problem and the fix. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';

  constructor(
    readonly code: ModelFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const RESAVE = 're-save it with `lenet train --save`, or copy it again';

export function encodeModelFile(header: ModelFileHeader, tensors: readonly ModelFileTensor[]): Uint8Array {
  const table = tensors.map(({ name, dtype, shape, values }) => {
    if (values.length !== sizeOf(shape)) throw new Error(`tensor ${name} has ${values.length} values, its shape [${shape.join(', ')}] needs ${sizeOf(shape)}`);
    const expected = dtype === 'float32' ? Float32Array : Uint32Array;
    if (!(values instanceof expected)) throw new Error(`tensor ${name} is declared ${dtype} but holds a ${values.constructor.name}`);
    return { name, dtype, shape: [...shape] };
  });
  const json = new TextEncoder().encode(JSON.stringify({ ...header, tensors: table }));
  const payloadBytes = tensors.reduce((n, t) => n + 4 * t.values.length, 0);
  const bytes = new Uint8Array(PREFIX_BYTES + json.length + payloadBytes + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_FILE_MAGIC), 0);
  view.setUint32(8, MODEL_FILE_VERSION, true);
  view.setUint32(12, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  let offset = PREFIX_BYTES + json.length;
  for (const { dtype, values } of tensors) {
    for (let i = 0; i < values.length; i++, offset += 4) {
      if (dtype === 'float32') view.setFloat32(offset, values[i]!, true);
      else view.setUint32(offset, values[i]!, true);
    }
  }
  bytes.set(sha256(bytes.subarray(0, offset)), offset);
  return bytes;
}

/** Parses and verifies a model file; `name` (usually its path) names it in errors. */
export function decodeModelFile(bytes: Uint8Array, name: string): ModelFileContents {
  if (bytes.length < MODEL_FILE_MAGIC.length || new TextDecoder().decode(bytes.subarray(0, MODEL_FILE_MAGIC.length)) !== MODEL_FILE_MAGIC) {
    const start = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ModelFileError(
      'not-a-model',
      `${name} is not a lenet-ts model file (it starts with ${start || 'nothing'}, expected "${MODEL_FILE_MAGIC}"); pass a file written by \`lenet train --save\``,
    );
  }
  if (bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) {
    throw new ModelFileError('truncated', `${name} is truncated: ${bytes.length} bytes, shorter than any model file; ${RESAVE}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FILE_VERSION) {
    throw new ModelFileError(
      'version',
      `${name} uses model format version ${version}; this lenet-ts reads version ${MODEL_FILE_VERSION}; use the lenet-ts release that wrote it, or re-save the model`,
    );
  }
  const headerBytes = view.getUint32(12, true);
  if (PREFIX_BYTES + headerBytes + CHECKSUM_BYTES > bytes.length) {
    throw new ModelFileError('truncated', `${name} is truncated or corrupt: its header claims ${headerBytes} bytes, the file holds ${bytes.length}; ${RESAVE}`);
  }
  const header = parseHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes), name);
  const payloadStart = PREFIX_BYTES + headerBytes;
  const available = bytes.length - payloadStart - CHECKSUM_BYTES;
  const table = parseTensorTable(header.tensors, name);
  const payloadBytes = table.reduce((n, t) => n + 4 * sizeOf(t.shape), 0);
  if (payloadBytes !== available) {
    throw new ModelFileError(
      payloadBytes > available ? 'truncated' : 'corrupt',
      `${name} is ${payloadBytes > available ? 'truncated' : 'corrupt'}: ${bytes.length} bytes, but its header describes ${payloadStart + payloadBytes + CHECKSUM_BYTES}; ${RESAVE}`,
    );
  }
  const end = payloadStart + payloadBytes;
  const expected = bytes.subarray(end, end + CHECKSUM_BYTES);
  const actual = sha256(bytes.subarray(0, end));
  if (!actual.every((b, i) => b === expected[i])) {
    throw new ModelFileError('checksum', `${name} is corrupt: its SHA-256 checksum does not match its contents; ${RESAVE}`);
  }
  const tensors = new Map<string, ModelFileTensor>();
  let offset = payloadStart;
  for (const { name: tensorName, dtype, shape } of table) {
    const size = sizeOf(shape);
    const values = dtype === 'float32' ? new Float32Array(size) : new Uint32Array(size);
    for (let i = 0; i < size; i++, offset += 4) values[i] = dtype === 'float32' ? view.getFloat32(offset, true) : view.getUint32(offset, true);
    tensors.set(tensorName, { name: tensorName, dtype, shape, values });
  }
  const { tensors: _table, ...fields } = header;
  return { header: fields, tensors };
}

function parseHeader(json: Uint8Array, name: string): ModelFileHeader & { tensors: unknown } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new ModelFileError('corrupt', `${name} is corrupt: its header is not valid JSON; ${RESAVE}`);
  }
  if (typeof header !== 'object' || header === null || typeof (header as ModelFileHeader).kind !== 'string') {
    throw new ModelFileError('corrupt', `${name} is corrupt: its header does not say what kind of file it is; ${RESAVE}`);
  }
  return header as ModelFileHeader & { tensors: unknown };
}

/** Validates the declared tensors without allocating: no size may pass the largest file we accept. */
function parseTensorTable(table: unknown, name: string): { name: string; dtype: ModelFileDtype; shape: number[] }[] {
  const corrupt = (problem: string) => new ModelFileError('corrupt', `${name} is corrupt: ${problem}; ${RESAVE}`);
  if (!Array.isArray(table)) throw corrupt('its header has no tensor table');
  const seen = new Set<string>();
  let total = 0;
  return table.map((entry: unknown, i) => {
    const { name: tensorName, dtype, shape } = (entry ?? {}) as { name?: unknown; dtype?: unknown; shape?: unknown };
    if (typeof tensorName !== 'string' || seen.has(tensorName)) throw corrupt(`tensor ${i} has a missing or repeated name`);
    seen.add(tensorName);
    if (dtype !== 'float32' && dtype !== 'uint32') throw corrupt(`tensor ${tensorName} has unknown type ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw corrupt(`tensor ${tensorName} has an invalid shape ${JSON.stringify(shape)}`);
    }
    // Checked after every dimension, so the running product stays exact and nothing huge is ever allocated.
    let size = 1;
    for (const d of shape as number[]) {
      size *= d;
      if (4 * (total + size) > MODEL_FILE_MAX_BYTES) {
        throw corrupt(`tensor ${tensorName} declares the absurd shape [${(shape as number[]).join(', ')}], more than any model file holds`);
      }
    }
    total += size;
    return { name: tensorName, dtype, shape: shape as number[] };
  });
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
