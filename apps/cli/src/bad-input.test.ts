// Every bad input a user can hit ends the same way: one `error:` line naming the problem and the fix, exit
// code 1 (the run failed) or 2 (the command line was wrong), no stack trace, and no partial output file.
// Running as root, permission bits stop nobody, so "unreadable" and "unwritable" paths here go through a
// regular file (ENOTDIR), which fails for every user.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeModel, encodeModelFile, decodeModelFile, Conv2D, Dense, Engine, Flatten, SGD, Sequential, softmaxCrossEntropy } from '@lenet-ts/core';
import { createCpuBackend } from '@lenet-ts/backend-cpu';
import { encodeIdx } from '@lenet-ts/core/data';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataLocations } from './data.js';
import {
  checkpointBytes,
  checksumsOf,
  expectOneLineError,
  listDir,
  modelFileBytes,
  removeTempDirs,
  tempDir,
  tinyFashionMnist,
  writeDataDir,
} from './test-support/fixtures.js';
import { runInProcess, spawnCli } from './test-support/run-cli.js';

let work: string;
/** A regular file: any path "through" it fails with ENOTDIR. */
let regularFile: string;
let goodModel: string;

beforeAll(async () => {
  work = tempDir();
  regularFile = join(work, 'a-file');
  writeFileSync(regularFile, 'not a directory');
  goodModel = join(work, 'good.lenet');
  writeFileSync(goodModel, await modelFileBytes());
});
afterAll(removeTempDirs);

/** Trains into a fresh output folder and checks the failure left it empty. */
async function trainExpectingError(args: string[], code: 1 | 2, message: RegExp, data?: DataLocations): Promise<void> {
  const out = tempDir('lenet-out-');
  const result = await runInProcess(['train', '--epochs', '1', '--limit', '64', '--save', join(out, 'm.lenet'), '--report', join(out, 'r.html'), ...args], {
    data,
  });
  expectOneLineError(result, code, message);
  expect(listDir(out)).toEqual([]);
}

function withTrainImages(bytes: Uint8Array, raw = false): string {
  const files = { ...tinyFashionMnist(), 'train-images-idx3-ubyte': bytes };
  return writeDataDir(files, !raw);
}

describe('bad data', () => {
  it('a truncated gzip file', async () => {
    const files = tinyFashionMnist();
    const data = writeDataDir(files);
    const gz = gzipSync(files['train-images-idx3-ubyte']);
    writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length >> 1));
    await trainExpectingError(['--data-dir', data], 1, /train-images-idx3-ubyte\.gz is a corrupt or truncated gzip file .*; replace it with the official file/);
  });

  it('a corrupt gzip file (damaged deflate data)', async () => {
    const files = tinyFashionMnist();
    const data = writeDataDir(files);
    const gz = gzipSync(files['train-images-idx3-ubyte']);
    expect(gz.length).toBeGreaterThan(60);
    for (let i = 40; i < 60; i++) gz[i]! ^= 0xff;
    writeFileSync(join(data, 'train-images-idx3-ubyte.gz'), gz);
    await trainExpectingError(['--data-dir', data], 1, /is a corrupt or truncated gzip file/);
  });

  it('a wrong IDX magic number', async () => {
    const bytes = tinyFashionMnist()['train-images-idx3-ubyte'].slice();
    bytes[0] = 0x12;
    await trainExpectingError(
      ['--data-dir', withTrainImages(bytes)],
      1,
      /is not an IDX file \(magic starts 0x12 0x00, expected 0x00 0x00\); replace it with the official file/,
    );
  });

  it('absurd dimensions in an IDX header, refused before allocating', async () => {
    const header = encodeIdx([2 ** 31, 28, 28], new Uint8Array(0));
    await trainExpectingError(
      ['--data-dir', withTrainImages(header)],
      1,
      /has an absurd IDX header: dims start \[2147483648\], more than 1073741824 bytes; the file is corrupt; replace it with the official file/,
    );
  });

  it('a checksum mismatch (well-formed, but not the official file)', async () => {
    await trainExpectingError(
      ['--data-dir', writeDataDir(tinyFashionMnist())],
      1,
      /has SHA-256 \w+… \(uncompressed\), expected c59f468a2f67…; replace it with the official file/,
    );
  });

  it('an image/label count mismatch', async () => {
    const files = { ...tinyFashionMnist(), 'train-labels-idx1-ubyte': encodeIdx([7], new Uint8Array(7)) };
    await trainExpectingError(['--data-dir', writeDataDir(files)], 1, /holds 7 labels for 8 images/, { expectedChecksums: checksumsOf(files) });
  });

  it('a wrong image size', async () => {
    const files = { ...tinyFashionMnist(), 'train-images-idx3-ubyte': encodeIdx([8, 32, 32], new Uint8Array(8 * 32 * 32)) };
    await trainExpectingError(['--data-dir', writeDataDir(files)], 1, /holds images of shape \[8, 32, 32\], expected \[N, 28, 28\]/, {
      expectedChecksums: checksumsOf(files),
    });
  });

  it('a data directory without the files', async () => {
    await trainExpectingError(['--data-dir', tempDir()], 1, /no Fashion-MNIST in .* missing train-images-idx3-ubyte, .*; put the official files there/);
  });

  it('an unreadable data directory (a path through a regular file: ENOTDIR)', async () => {
    await trainExpectingError(
      ['--data-dir', join(regularFile, 'fashion')],
      1,
      /cannot read --data-dir .*a-file\/fashion \(ENOTDIR: .*\); pass --data-dir the directory that holds/,
    );
  });

  it('a data directory that is a file', async () => {
    await trainExpectingError(['--data-dir', regularFile], 1, /--data-dir .*a-file is a file, not a directory/);
  });

  it('an unwritable cache directory when the data must be downloaded', async () => {
    const data: DataLocations = {
      env: { XDG_CACHE_HOME: join(regularFile, 'cache') },
      systemDir: tempDir(), // no Debian package here
      download: { progress: false, mirror: 'http://127.0.0.1:9/' },
    };
    await trainExpectingError(
      [],
      1,
      /no Fashion-MNIST found in .*, and downloading failed: cannot write to .*a-file\/cache\/lenet-ts\/fashion-mnist \(ENOTDIR\); set XDG_CACHE_HOME or --data-dir to a writable directory/,
      data,
    );
  });
});

describe('bad model and checkpoint files', () => {
  const damaged = async (edit: (bytes: Uint8Array) => Uint8Array) => {
    const path = join(tempDir(), 'damaged.lenet');
    writeFileSync(path, edit(await modelFileBytes()));
    return path;
  };
  /** A file that is well-formed (good checksum) but whose header says something else. */
  const rewritten = async (edit: (header: Record<string, unknown>) => Record<string, unknown>, bytes?: Uint8Array) => {
    const contents = decodeModelFile(bytes ?? (await modelFileBytes()), 'm');
    const path = join(tempDir(), 'rewritten.lenet');
    writeFileSync(path, encodeModelFile(edit(structuredClone(contents.header)) as { kind: string }, [...contents.tensors.values()]));
    return path;
  };

  it('a truncated model file', async () => {
    const path = await damaged((b) => b.subarray(0, b.length - 1000));
    expectOneLineError(
      await runInProcess(['evaluate', '--model', path]),
      1,
      /damaged\.lenet is truncated: \d+ bytes, but its header describes \d+; re-save it/,
    );
  });

  it('a corrupted model file (one byte changed)', async () => {
    const path = await damaged((b) => {
      const c = b.slice();
      c[c.length - 5000]! ^= 0x01;
      return c;
    });
    expectOneLineError(
      await runInProcess(['predict', '--model', path, regularFile]),
      1,
      /damaged\.lenet is corrupt: its SHA-256 checksum does not match its contents; re-save it/,
    );
  });

  it('a file that is not a model at all', async () => {
    expectOneLineError(await runInProcess(['evaluate', '--model', regularFile]), 1, /a-file is not a lenet-ts model file \(it starts with 6e 6f 74 20/);
  });

  it('a model file written by a newer format version', async () => {
    const path = await damaged((b) => {
      const c = b.slice();
      c[8] = 7;
      return c;
    });
    expectOneLineError(await runInProcess(['evaluate', '--model', path]), 1, /uses model format version 7; this lenet-ts reads version 1/);
  });

  it('a model of another architecture (32x32 colour inputs, 100 classes)', async () => {
    const engine = new Engine(createCpuBackend());
    const other = new Sequential(engine, [new Conv2D({ filters: 4, kernelSize: 3 }), new Flatten(), new Dense({ units: 100 })], { inputShape: [32, 32, 3] })
      .build(0)
      .compile({ loss: softmaxCrossEntropy(), optimizer: new SGD() });
    const path = join(tempDir(), 'cifar.lenet');
    writeFileSync(path, await encodeModel(other));
    expectOneLineError(
      await runInProcess(['evaluate', '--model', path]),
      1,
      /cifar\.lenet is a model of another architecture: it takes \[32, 32, 3\] inputs and gives 100 classes, Fashion-MNIST needs \[28, 28, 1\] and 10/,
    );
  });

  it('a model with a layer this version cannot build', async () => {
    const path = await rewritten((h) => {
      (h.architecture as { layers: unknown[] }).layers.splice(4, 0, { type: 'BatchNormalization' });
      return h;
    });
    expectOneLineError(
      await runInProcess(['evaluate', '--model', path]),
      1,
      /describes a model lenet-ts cannot build: layer 4 has type "BatchNormalization", which this version does not know/,
    );
  });

  it('a model whose weights do not fit its layers', async () => {
    const path = await rewritten((h) => {
      (h.architecture as { layers: { units?: number }[] }).layers[5]!.units = 64;
      return h;
    });
    expectOneLineError(
      await runInProcess(['evaluate', '--model', path]),
      1,
      /holds \[256, 120\] float32 for dense\/kernel, but its architecture needs \[256, 64\] float32/,
    );
  });

  it('absurd dimensions in a model header, refused before allocating', async () => {
    // encodeModelFile writes a true tensor table, so forge the absurd one into a raw header instead.
    const path = join(tempDir(), 'absurd.lenet');
    const good = await modelFileBytes();
    const json = new TextEncoder().encode(
      JSON.stringify({ kind: 'model', tensors: [{ name: 'conv2d/kernel', dtype: 'float32', shape: [65536, 65536, 65536] }] }),
    );
    const bytes = new Uint8Array(16 + json.length + 32);
    bytes.set(good.subarray(0, 12));
    new DataView(bytes.buffer).setUint32(12, json.length, true);
    bytes.set(json, 16);
    writeFileSync(path, bytes);
    expectOneLineError(
      await runInProcess(['evaluate', '--model', path]),
      1,
      /is corrupt: tensor conv2d\/kernel declares the absurd shape \[65536, 65536, 65536\]/,
    );
  });

  it('a model file that does not exist', async () => {
    expectOneLineError(
      await runInProcess(['predict', '--model', join(work, 'nope.lenet'), regularFile]),
      1,
      /cannot read the model file .*nope\.lenet \(ENOENT: no such file or directory\); pass a file written by `lenet train --save`/,
    );
  });

  it('--resume given a model file instead of a checkpoint', async () => {
    await trainExpectingError(
      ['--resume', goodModel],
      1,
      /good\.lenet is a model file, not a checkpoint; --resume takes the file a run wrote with --checkpoint/,
    );
  });

  it("--resume with a setting that differs from the checkpoint's", async () => {
    const path = join(tempDir(), 'run.ckpt');
    writeFileSync(path, await checkpointBytes());
    await trainExpectingError(['--resume', path, '--batch-size', '64'], 2, /--batch-size 64 differs from 32 in .*run\.ckpt; leave --batch-size out to resume/);
  });

  it('--resume of a checkpoint made for other data', async () => {
    const path = join(tempDir(), 'other.ckpt');
    writeFileSync(path, await checkpointBytes({ limit: 64, rows: 100 }));
    const before = listDir(join(path, '..'));
    expectOneLineError(
      await runInProcess(['train', '--resume', path]),
      1,
      /other\.ckpt was made for 100 training rows, this data gives 64; resume with the same data set/,
    );
    expect(listDir(join(path, '..'))).toEqual(before);
  });

  it('--resume of a checkpoint that has finished its epochs', async () => {
    const path = join(tempDir(), 'done.ckpt');
    writeFileSync(path, await checkpointBytes({ epochs: 1 }));
    const result = await runInProcess(['train', '--resume', path]);
    expectOneLineError(result, 2, /done\.ckpt has finished all 1 epoch; pass --epochs with more than 1 to train further/);
  });

  it('--resume with no checkpoint named anywhere', async () => {
    expectOneLineError(
      await runInProcess(['train', '--resume']),
      2,
      /--resume needs a checkpoint; pass --resume <file>, or the --checkpoint or --save of the run to continue/,
    );
  });
});

describe('bad images to predict', () => {
  const png = (width: number, height: number) => {
    const image = new PNG({ width, height });
    image.data.fill(128);
    return PNG.sync.write(image);
  };

  it('a PNG of the wrong size', async () => {
    const path = join(tempDir(), 'big.png');
    writeFileSync(path, png(64, 48));
    expectOneLineError(
      await runInProcess(['predict', '--model', goodModel, path]),
      1,
      /big\.png is 64x48; LeNet takes 28x28 grayscale images, white on black like Fashion-MNIST; pass --resize to scale it/,
    );
  });

  it('a truncated PNG', async () => {
    const path = join(tempDir(), 'cut.png');
    const bytes = png(28, 28);
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    expectOneLineError(await runInProcess(['predict', '--model', goodModel, path]), 1, /cut\.png is not a readable PNG \(.+\); pass a complete PNG/);
  });

  it('a file that is neither PNG nor IDX', async () => {
    expectOneLineError(
      await runInProcess(['predict', '--model', goodModel, regularFile]),
      1,
      /a-file is neither a PNG, a JPEG nor an IDX image file; pass PNG or JPEG files/,
    );
  });

  it('an IDX file of labels instead of images', async () => {
    const path = join(tempDir(), 'labels.idx');
    writeFileSync(path, encodeIdx([5], new Uint8Array(5)));
    expectOneLineError(await runInProcess(['predict', '--model', goodModel, path]), 1, /labels\.idx holds data of shape \[5\], not \[N, 28, 28\] images/);
  });
});

describe('outputs that cannot be written, checked before training', () => {
  it('--save into a directory that does not exist', async () => {
    const result = await runInProcess(['train', '--save', join(work, 'missing', 'm.lenet')]);
    expectOneLineError(
      result,
      1,
      /cannot write the model file .*missing\/m\.lenet \(ENOENT: no such file or directory\); pass --save a file in an existing, writable directory/,
    );
    expect(result.stdout).toBe('');
  });

  it('--save naming a directory', async () => {
    expectOneLineError(await runInProcess(['train', '--save', work]), 1, /the model file .* is a directory; pass --save a file/);
  });

  it('--report through a regular file (ENOTDIR)', async () => {
    expectOneLineError(
      await runInProcess(['train', '--report', join(regularFile, 'r.html')]),
      1,
      /cannot write the report .*a-file\/r\.html \(ENOTDIR: .*\); pass --report a file/,
    );
  });

  it('--checkpoint and --save naming the same file', async () => {
    const path = join(tempDir(), 'same');
    expectOneLineError(
      await runInProcess(['train', '--save', path, '--checkpoint', path]),
      2,
      /--checkpoint and --save both name .*same; give each its own file/,
    );
  });
});

describe('bad command-line values', () => {
  it.each<[string, string[], RegExp]>([
    ['a negative learning rate', ['train', '--lr', '-0.1'], /option '--lr <rate>' argument '-0\.1' is invalid\. must be a positive number/],
    ['batch size 0', ['train', '--batch-size', '0'], /option '--batch-size <n>' argument '0' is invalid\. must be a positive integer/],
    ['non-numeric epochs', ['train', '--epochs', 'five'], /option '--epochs <n>' argument 'five' is invalid\. must be a positive integer/],
    [
      'an unknown backend',
      ['evaluate', '--model', 'm', '--backend', 'quantum'],
      /option '-b, --backend <name>' argument 'quantum' is invalid\. Allowed choices are wasm, wasm:auto/,
    ],
    ['an unknown preset', ['train', '--preset', 'fancy'], /option '-p, --preset <name>' argument 'fancy' is invalid\. Allowed choices are d2l, modern/],
    ['top 0 classes', ['predict', '--model', 'm', 'x.png', '--top', '0'], /option '--top <k>' argument '0' is invalid/],
    ['evaluate without --model', ['evaluate'], /required option '-m, --model <file>' not specified/],
    ['predict without images', ['predict', '--model', 'm'], /missing required argument 'images'/],
  ])('%s', async (_what, argv, message) => {
    expectOneLineError(await runInProcess(argv), 2, message, { usage: true });
  });

  it('an unknown backend mode', async () => {
    expectOneLineError(
      await runInProcess(['train', '--backend', 'tfjs', '--tf-runtime', 'tpu']),
      2,
      /unknown tfjs mode "tpu"; choose one of: auto, node, webgpu, wasm, cpu/,
    );
  });

  it('a mode for another backend', async () => {
    expectOneLineError(await runInProcess(['evaluate', '--model', goodModel, '--tf-runtime', 'wasm']), 2, /--tf-runtime applies to --backend tfjs, not wasm/, {
      usage: true,
    });
  });
});

describe('the real CLI process', () => {
  it('prints one line and exits 1 on a corrupt model file, with no stack trace', async () => {
    const path = join(tempDir(), 'cut.lenet');
    writeFileSync(path, (await modelFileBytes()).subarray(0, 100));
    const result = await spawnCli(['evaluate', '--model', path]).result;
    expectOneLineError(result, 1, /cut\.lenet is truncated or corrupt: its header claims \d+ bytes, the file holds 100; re-save it/);
  });

  it('prints one line and exits 2 on a bad option value', async () => {
    const result = await spawnCli(['train', '--epochs', '-3']).result;
    expectOneLineError(result, 2, /option '--epochs <n>' argument '-3' is invalid/, { usage: true });
  });
});
