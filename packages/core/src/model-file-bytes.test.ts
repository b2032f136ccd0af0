// The `.lenet` format byte by byte: a file built by hand (with node's own SHA-256, not ours) must equal what
// the encoder writes, and an edit to the header that leaves it valid JSON of the same length must be caught
// by the checksum, not slip through as a different model.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeModelFile, encodeModelFile, ModelFileError } from './model-file.js';

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The file for header `{"kind":"x"}`, float32 `w` = [1, -2.5] and uint32 `n` = [0x01020304], assembled by hand. */
function handMadeFile(): Uint8Array {
  const json = '{"kind":"x","tensors":[{"name":"w","dtype":"float32","shape":[2]},{"name":"n","dtype":"uint32","shape":[1]}]}';
  const body = [
    ...ascii('LENET-TS'),
    0x01,
    0x00,
    0x00,
    0x00, // version 1, little-endian
    json.length,
    0x00,
    0x00,
    0x00, // header length (< 256), little-endian
    ...ascii(json),
    0x00,
    0x00,
    0x80,
    0x3f, // 1.0f = 0x3f800000
    0x00,
    0x00,
    0x20,
    0xc0, // -2.5f = 0xc0200000
    0x04,
    0x03,
    0x02,
    0x01, // 0x01020304
  ];
  const checksum = createHash('sha256').update(Uint8Array.from(body)).digest();
  return Uint8Array.from([...body, ...checksum]);
}

function expectChecksumError(bytes: Uint8Array): void {
  let caught: unknown;
  try {
    decodeModelFile(bytes, 'm.lenet');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ModelFileError);
  expect((caught as ModelFileError).code).toBe('checksum');
  expect((caught as Error).message).toBe(
    'm.lenet is corrupt: its SHA-256 checksum does not match its contents; re-save it with `lenet train --save`, or copy it again',
  );
}

/** Replaces `from` by `to` (same length) once in the header bytes, leaving the checksum as it was. */
function editHeader(bytes: Uint8Array, from: string, to: string): Uint8Array {
  expect(to).toHaveLength(from.length);
  const text = new TextDecoder('latin1').decode(bytes);
  const at = text.indexOf(from);
  expect(at).toBeGreaterThan(15);
  expect(text.indexOf(from, at + 1)).toBe(-1);
  const edited = bytes.slice();
  edited.set(ascii(to), at);
  return edited;
}

describe('the .lenet bytes', () => {
  it('the encoder writes exactly the bytes the format describes: little-endian integers and floats, then SHA-256', () => {
    const encoded = encodeModelFile({ kind: 'x' }, [
      { name: 'w', dtype: 'float32', shape: [2], values: Float32Array.of(1, -2.5) },
      { name: 'n', dtype: 'uint32', shape: [1], values: Uint32Array.of(0x01020304) },
    ]);
    expect(Array.from(encoded)).toEqual(Array.from(handMadeFile()));
  });

  it('the decoder reads the hand-made file back', () => {
    const { header, tensors } = decodeModelFile(handMadeFile(), 'm.lenet');
    expect(header).toEqual({ kind: 'x' });
    expect([...tensors.keys()]).toEqual(['w', 'n']);
    expect(Array.from(tensors.get('w')!.values)).toEqual([1, -2.5]);
    expect(Array.from(tensors.get('n')!.values)).toEqual([0x01020304]);
  });

  it.each([
    ['the kind', '"kind":"x"', '"kind":"y"'],
    ['a tensor name (the table order still parses)', '"name":"w"', '"name":"v"'],
  ])('the checksum covers the header: editing %s, still valid JSON of the same length, is refused', (_what, from, to) => {
    const edited = editHeader(handMadeFile(), from, to);
    // The edit alone is well-formed: re-checksummed, the same bytes decode (so only the checksum can catch it).
    const body = edited.subarray(0, edited.length - 32);
    const resealed = Uint8Array.from([...body, ...createHash('sha256').update(body).digest()]);
    expect(() => decodeModelFile(resealed, 'm.lenet')).not.toThrow();
    expectChecksumError(edited);
  });

  it('the checksum covers the header of a model with shapes too: swapping two dimensions of the same size is refused', () => {
    const bytes = encodeModelFile({ kind: 'model', metadata: { epochs: 2 } }, [
      { name: 'k', dtype: 'float32', shape: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6) },
    ]);
    expectChecksumError(editHeader(bytes, '"shape":[2,3]', '"shape":[3,2]'));
    expectChecksumError(editHeader(bytes, '"epochs":2', '"epochs":9'));
  });

  it('the checksum covers every payload byte and itself', () => {
    const good = handMadeFile();
    const payloadStart = good.length - 32 - 12;
    for (let i = payloadStart; i < good.length; i++) {
      const damaged = good.slice();
      damaged[i]! ^= 0x01;
      expectChecksumError(damaged);
    }
  });
});
