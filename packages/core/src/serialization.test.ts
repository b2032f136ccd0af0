import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { Conv2D, Dense, Flatten, MaxPooling2D } from './layers/index.js';
import { softmaxCrossEntropy } from './losses.js';
import { decodeModelFile, encodeModelFile, MODEL_FILE_MAX_BYTES, ModelFileError } from './model-file.js';
import { SGD } from './optimizers.js';
import { Sequential } from './sequential.js';
import { decodeModel, encodeModel } from './serialization.js';
import { createReferenceBackend } from './testing/reference-backend.js';

function smallModel(engine: Engine, seed = 1): Sequential {
  return new Sequential(
    engine,
    [new Conv2D({ filters: 4, kernelSize: 3, activation: 'relu' }), new MaxPooling2D({ poolSize: 2 }), new Flatten(), new Dense({ units: 4 })],
    { inputShape: [8, 8, 1], inputScale: 1 / 255 },
  )
    .build(seed)
    .compile({ loss: softmaxCrossEntropy(), optimizer: new SGD({ learningRate: 0.5 }) });
}

/** Rewrites the JSON header of a valid file (and its checksum), to build well-formed files that lie. */
function withHeader(bytes: Uint8Array, edit: (header: Record<string, unknown>) => void): Uint8Array {
  const contents = decodeModelFile(bytes, 'm');
  const header = structuredClone(contents.header) as Record<string, unknown>;
  edit(header);
  return encodeModelFile(header as { kind: string }, [...contents.tensors.values()]);
}

function expectModelError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as ModelFileError).code).toBe(code);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    return;
  }
  throw new Error('expected a ModelFileError');
}

describe('model files', () => {
  it('round-trips architecture, weights and metadata exactly', async () => {
    const engine = new Engine(createReferenceBackend());
    const model = smallModel(engine, 5);
    const bytes = await encodeModel(model, { metadata: { preset: 'test', epochs: 2 } });
    const loaded = decodeModel(new Engine(createReferenceBackend()), bytes, 'm.lenet');
    expect(loaded.metadata).toEqual({ preset: 'test', epochs: 2 });
    expect(loaded.architecture.layers).toEqual(model.layers.map((l) => l.config()));
    expect(loaded.model.inputScale).toBe(1 / 255);
    expect(loaded.model.compileOptions?.loss.kind).toBe('softmax-cross-entropy');
    const [expected, actual] = [await model.getWeights(), await loaded.model.getWeights()];
    expect(actual.map((w) => Array.from(w))).toEqual(expected.map((w) => Array.from(w)));
  });

  it('starts with the magic and version, then a JSON header, and ends with the SHA-256 of the rest', async () => {
    const bytes = await encodeModel(smallModel(new Engine(createReferenceBackend())));
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('LENET-TS');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(8, true)).toBe(1);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + view.getUint32(12, true))));
    expect(header.kind).toBe('model');
    expect(header.tensors.map((t: { name: string }) => t.name)).toEqual(['conv2d/kernel', 'conv2d/bias', 'dense/kernel', 'dense/bias']);
    // Payload: 4 bytes per weight (conv 3x3x1x4 + 4, dense 36x4 + 4); then 32 checksum bytes.
    const values = 3 * 3 * 1 * 4 + 4 + 36 * 4 + 4;
    expect(bytes.length).toBe(16 + view.getUint32(12, true) + 4 * values + 32);
  });

  it('keeps uint32 tensors and extra header fields', () => {
    const bytes = encodeModelFile({ kind: 'checkpoint', training: { epoch: 3 } }, [
      { name: 'order', dtype: 'uint32', shape: [3], values: Uint32Array.of(2, 0, 4294967295) },
    ]);
    const contents = decodeModelFile(bytes, 'c');
    expect(contents.header).toEqual({ kind: 'checkpoint', training: { epoch: 3 } });
    expect(Array.from(contents.tensors.get('order')!.values)).toEqual([2, 0, 4294967295]);
  });

  describe('rejects damaged files with one line', () => {
    let good: Uint8Array;
    const load = (bytes: Uint8Array) => decodeModel(new Engine(createReferenceBackend()), bytes, 'm.lenet');
    it.each<[string, (b: Uint8Array) => Uint8Array, string, RegExp]>([
      ['an empty file', () => new Uint8Array(0), 'not-a-model', /not a lenet-ts model file/],
      ['another format (a PNG)', () => Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0), 'not-a-model', /starts with 89 50 4e 47/],
      [
        'a future format version',
        (b) => {
          const c = b.slice();
          c[8] = 2;
          return c;
        },
        'version',
        /format version 2; this lenet-ts reads version 1/,
      ],
      ['a cut in the header', (b) => b.subarray(0, 200), 'truncated', /truncated or corrupt: its header claims/],
      ['a cut in the weights', (b) => b.subarray(0, b.length - 100), 'truncated', /is truncated: \d+ bytes, but its header describes \d+/],
      ['trailing bytes', (b) => Uint8Array.from([...b, 0, 0, 0, 0]), 'corrupt', /is corrupt: \d+ bytes, but its header describes/],
      [
        'one flipped weight bit',
        (b) => {
          const c = b.slice();
          c[c.length - 60]! ^= 0x10;
          return c;
        },
        'checksum',
        /checksum does not match/,
      ],
      [
        'a header that is not JSON',
        (b) => {
          const c = b.slice();
          c[16] = 0x7b + 1;
          return c;
        },
        'corrupt',
        /header is not valid JSON/,
      ],
    ])('%s', async (_what, damage, code, message) => {
      good ??= await encodeModel(smallModel(new Engine(createReferenceBackend())));
      expectModelError(() => load(damage(good)), code, message);
    });
  });

  it('refuses a header with absurd dimensions before allocating anything', async () => {
    const good = await encodeModel(smallModel(new Engine(createReferenceBackend())));
    const contents = decodeModelFile(good, 'm');
    // A hand-made header: valid JSON, declaring a 2^60-element tensor in a file of a few hundred bytes.
    const json = new TextEncoder().encode(JSON.stringify({ ...contents.header, tensors: [{ name: 'w', dtype: 'float32', shape: [2 ** 30, 2 ** 30] }] }));
    const bytes = new Uint8Array(16 + json.length + 32);
    bytes.set(good.subarray(0, 12));
    new DataView(bytes.buffer).setUint32(12, json.length, true);
    bytes.set(json, 16);
    expectModelError(() => decodeModelFile(bytes, 'm.lenet'), 'corrupt', /absurd shape \[1073741824, 1073741824\]/);
    expect(MODEL_FILE_MAX_BYTES).toBeLessThan(2 ** 30);
  });

  it.each<[string, (h: Record<string, unknown>) => void, RegExp]>([
    [
      'an unknown layer type',
      (h) => ((h.architecture as { layers: unknown[] }).layers[0] = { type: 'LSTM', units: 4 }),
      /layer 0 has type "LSTM", which this version does not know/,
    ],
    [
      'a layer that does not fit its input',
      (h) => ((h.architecture as { inputShape: number[] }).inputShape = [2, 2, 1]),
      /layer 0 \(conv2d\): conv2d kernel 3x3 does not fit a 2x2 input/,
    ],
    [
      'weights that do not match the layers',
      (h) => ((h.architecture as { layers: { filters?: number }[] }).layers[0]!.filters = 5),
      /holds \[3, 3, 1, 4\] float32 for conv2d\/kernel, but its architecture needs \[3, 3, 1, 5\]/,
    ],
    ['an unknown loss', (h) => ((h.architecture as { loss: string }).loss = 'hinge'), /unknown loss "hinge"/],
    ['no architecture', (h) => delete h.architecture, /input shape undefined/],
  ])('rejects a well-formed file describing %s', async (_what, edit, message) => {
    const good = await encodeModel(smallModel(new Engine(createReferenceBackend())));
    expectModelError(() => decodeModel(new Engine(createReferenceBackend()), withHeader(good, edit), 'm.lenet'), 'architecture', message);
  });

  it('refuses sizes that each pass but multiply to activations no memory holds', async () => {
    const good = await encodeModel(smallModel(new Engine(createReferenceBackend())));
    const huge = withHeader(good, (h) => ((h.architecture as { inputShape: number[] }).inputShape = [65536, 65536, 1]));
    expectModelError(
      () => decodeModel(new Engine(createReferenceBackend()), huge, 'm.lenet'),
      'architecture',
      /its input has shape \[65536, 65536, 1\], more than 16777216 values per sample/,
    );
    const wide = withHeader(good, (h) => ((h.architecture as { inputShape: number[] }).inputShape = [4096, 4096, 1]));
    expectModelError(
      () => decodeModel(new Engine(createReferenceBackend()), wide, 'm.lenet'),
      'architecture',
      /layer 0 \(conv2d\)'s output has shape \[4094, 4094, 4\], more than 16777216 values/,
    );
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses a model whose weights hold %s at load', async (value) => {
    const model = smallModel(new Engine(createReferenceBackend()));
    const weights = await model.getWeights();
    weights[2]![5] = value;
    model.setWeights(weights);
    const bytes = await encodeModel(model);
    expectModelError(
      () => decodeModel(new Engine(createReferenceBackend()), bytes, 'm.lenet'),
      'corrupt',
      new RegExp(`^m\\.lenet holds ${value} in dense/kernel \\(value 5\\): the run that wrote it diverged`),
    );
  });

  it('accepts only the kinds asked for', async () => {
    const bytes = await encodeModel(smallModel(new Engine(createReferenceBackend())), { kind: 'checkpoint' });
    expectModelError(
      () => decodeModel(new Engine(createReferenceBackend()), bytes, 'c.ckpt', { kinds: ['model'] }),
      'not-a-model',
      /is a checkpoint file, not a model file/,
    );
  });
});
