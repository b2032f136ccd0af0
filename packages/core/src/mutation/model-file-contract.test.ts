// Each refusal of the .lenet reader and writer in its own words, at its boundary (what survived mutation).
import { describe, expect, it } from 'vitest';
import { decodeModelFile, encodeModelFile, MODEL_FILE_MAX_BYTES, ModelFileError } from '../model-file.js';
import { sha256 } from '../sha256.js';

const RESAVE = 're-save it with `lenet train --save`, or copy it again';

/** A file with `json` as its header bytes and `payload` after it, correctly checksummed. */
function fileWith(json: string | Uint8Array, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const body = new Uint8Array(16 + header.length + payload.length);
  body.set(new TextEncoder().encode('LENET-TS'), 0);
  const view = new DataView(body.buffer);
  view.setUint32(8, 1, true);
  view.setUint32(12, header.length, true);
  body.set(header, 16);
  body.set(payload, 16 + header.length);
  return Uint8Array.from([...body, ...sha256(body)]);
}

function refusal(bytes: Uint8Array): ModelFileError {
  try {
    decodeModelFile(bytes, 'm.lenet');
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).name).toBe('ModelFileError');
    return error as ModelFileError;
  }
  throw new Error('expected a ModelFileError');
}

describe('encodeModelFile refuses tensors that do not match their declaration', () => {
  it("a value count that is not the shape's size", () => {
    expect(() => encodeModelFile({ kind: 'x' }, [{ name: 'w', dtype: 'float32', shape: [2, 2], values: new Float32Array(3) }])).toThrow(
      'tensor w has 3 values, its shape [2, 2] needs 4',
    );
  });
  it('an array of the other type', () => {
    expect(() => encodeModelFile({ kind: 'x' }, [{ name: 'w', dtype: 'uint32', shape: [1], values: new Float32Array(1) }])).toThrow(
      'tensor w is declared uint32 but holds a Float32Array',
    );
  });
});

describe('decodeModelFile', () => {
  it('not the magic: names the first bytes, and "nothing" for an empty file', () => {
    expect(refusal(Uint8Array.of(0x4c, 0x45, 0x4e, 0x45)).message).toBe(
      'm.lenet is not a lenet-ts model file (it starts with 4c 45 4e 45, expected "LENET-TS"); pass a file written by `lenet train --save`',
    );
    expect(refusal(new Uint8Array(0)).message).toMatch(/it starts with nothing, expected/);
    // Two hex digits per byte, small ones too.
    expect(refusal(Uint8Array.of(1, 2, 0x0a, 0x1f, 5, 6, 7, 8)).message).toMatch(/it starts with 01 02 0a 1f, expected/);
    expect(refusal(new TextEncoder().encode('LENET-TX')).code).toBe('not-a-model');
  });

  it('the magic alone, or the magic and too few bytes for any file: truncated', () => {
    for (const length of [8, 47]) {
      const bytes = new Uint8Array(length);
      bytes.set(new TextEncoder().encode('LENET-TS'));
      const error = refusal(bytes);
      expect(error.code).toBe('truncated');
      expect(error.message).toBe(`m.lenet is truncated: ${length} bytes, shorter than any model file; ${RESAVE}`);
    }
  });

  it('the smallest well-formed size (48 bytes, an empty header) gets past the length check to the header', () => {
    const bytes = fileWith('');
    expect(bytes).toHaveLength(48);
    const error = refusal(bytes);
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`m.lenet is corrupt: its header is not valid JSON; ${RESAVE}`);
  });

  it('a header length that runs past the end by one byte', () => {
    const good = fileWith('{"kind":"x","tensors":[]}');
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(12, bytes.length - 16 - 32 + 1, true);
    expect(refusal(bytes).message).toBe(
      `m.lenet is truncated or corrupt: its header claims ${bytes.length - 47} bytes, the file holds ${bytes.length}; ${RESAVE}`,
    );
    // Exactly to the checksum is a well-formed (if empty-payload) file.
    expect(decodeModelFile(good, 'm.lenet').header).toEqual({ kind: 'x' });
  });

  it('a payload of the wrong size says how many bytes the header describes', () => {
    const json = '{"kind":"x","tensors":[{"name":"w","dtype":"float32","shape":[2]}]}';
    const short = refusal(fileWith(json, new Uint8Array(4)));
    expect(short.code).toBe('truncated');
    const described = 16 + json.length + 8 + 32;
    expect(short.message).toBe(`m.lenet is truncated: ${described - 4} bytes, but its header describes ${described}; ${RESAVE}`);
    const long = refusal(fileWith(json, new Uint8Array(12)));
    expect(long.code).toBe('corrupt');
    expect(long.message).toBe(`m.lenet is corrupt: ${described + 4} bytes, but its header describes ${described}; ${RESAVE}`);
  });

  it.each<[string, string | Uint8Array, string]>([
    ['a header that is not an object', '3', 'its header does not say what kind of file it is'],
    ['a null header', 'null', 'its header does not say what kind of file it is'],
    ['a header without a kind', '{"tensors":[]}', 'its header does not say what kind of file it is'],
    ['a kind that is not a string', '{"kind":1,"tensors":[]}', 'its header does not say what kind of file it is'],
    [
      'invalid UTF-8 inside a JSON string',
      Uint8Array.from([...new TextEncoder().encode('{"kind":"'), 0xff, ...new TextEncoder().encode('","tensors":[]}')]),
      'its header is not valid JSON',
    ],
    ['no tensor table', '{"kind":"x"}', 'its header has no tensor table'],
    ['a tensor without a name', '{"kind":"x","tensors":[{"dtype":"float32","shape":[1]}]}', 'tensor 0 has a missing or repeated name'],
    [
      'a repeated name',
      '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[1]},{"name":"a","dtype":"float32","shape":[1]}]}',
      'tensor 1 has a missing or repeated name',
    ],
    ['an unknown dtype', '{"kind":"x","tensors":[{"name":"a","dtype":"int8","shape":[1]}]}', 'tensor a has unknown type "int8"'],
    ['a shape that is not a list', '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":4}]}', 'tensor a has an invalid shape 4'],
    [
      'nine dimensions',
      '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[1,1,1,1,1,1,1,1,1]}]}',
      'tensor a has an invalid shape [1,1,1,1,1,1,1,1,1]',
    ],
    ['a negative dimension', '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[2,-1]}]}', 'tensor a has an invalid shape [2,-1]'],
    ['a fractional dimension', '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[1.5]}]}', 'tensor a has an invalid shape [1.5]'],
  ])('refuses %s', (_what, json, problem) => {
    const error = refusal(fileWith(json));
    expect(error.code).toBe('corrupt');
    expect(error.message).toBe(`m.lenet is corrupt: ${problem}; ${RESAVE}`);
  });

  it('accepts eight dimensions and a zero-sized one', () => {
    const json = '{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[1,1,1,1,1,1,1,1]},{"name":"b","dtype":"uint32","shape":[0]}]}';
    const { tensors } = decodeModelFile(fileWith(json, new Uint8Array(4)), 'm.lenet');
    expect(tensors.get('a')!.shape).toHaveLength(8);
    expect(tensors.get('b')!.values).toHaveLength(0);
  });

  it('counts the size limit over all tensors together, up to exactly the largest file', () => {
    const quarter = MODEL_FILE_MAX_BYTES / 4 / 2; // values per tensor: two of them fill the limit exactly
    const exact = `{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[${quarter}]},{"name":"b","dtype":"float32","shape":[${quarter}]}]}`;
    // Passes the table check (then fails on the missing payload, which is never allocated).
    expect(refusal(fileWith(exact)).code).toBe('truncated');
    const over = `{"kind":"x","tensors":[{"name":"a","dtype":"float32","shape":[${quarter}]},{"name":"b","dtype":"float32","shape":[${quarter + 1}]}]}`;
    expect(refusal(fileWith(over)).message).toBe(
      `m.lenet is corrupt: tensor b declares the absurd shape [${quarter + 1}], more than any model file holds; ${RESAVE}`,
    );
  });
});
