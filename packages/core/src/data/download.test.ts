import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadFashionMnist } from './download.js';
import { FASHION_MNIST_FILES } from './fashion-mnist-files.js';
import type { FashionMnistFile } from './fashion-mnist-files.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { stderrProgress } from './progress.js';
import type { DownloadProgress } from './progress.js';
import { checksumsOf, syntheticFashionMnist, writeDataset, dataErrorOf } from './test-fixtures.js';

const files = syntheticFashionMnist(3, 200, 50); // 200 training images: a 157 kB body, several chunks
const expectedChecksums = checksumsOf(files);
const gzipped = Object.fromEntries(FASHION_MNIST_FILES.map((f) => [`${f}.gz`, gzipSync(files[f])])) as Record<string, Buffer>;

/** Requests the server saw, as "/route/file". */
const requests: string[] = [];
const stalled: ServerResponse[] = [];
let server: Server;
let base: string;

/** A real HTTP server whose first path segment picks a behaviour. */
function handle(route: string, file: string, res: ServerResponse): void {
  const body = gzipped[file];
  if (route === 'redirect') {
    res.writeHead(302, { location: `/ok/${file}` }).end();
  } else if (!body || route === 'missing') {
    res.writeHead(404, 'Not Found').end('no such file');
  } else if (route === 'ok') {
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length }).end(body);
  } else if (route === 'truncated') {
    // Promise the whole body, send half, then hang up.
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
  } else if (route === 'short-gzip') {
    // An honest response carrying a gzip file that was itself cut short.
    const cut = body.subarray(0, body.length - 100);
    res.writeHead(200, { 'content-length': cut.length }).end(cut);
  } else if (route === 'encoded') {
    // Content-Encoding makes fetch gunzip on the fly, so the client sees raw IDX bytes.
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length }).end(body);
  } else if (route === 'html') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gone fishing</html>');
  } else if (route === 'trickle' || route === 'slow') {
    // trickle: a byte every 20 ms, forever (never idle, never done); slow: the body in 10 parts over ~0.5 s.
    res.writeHead(200, { 'content-length': body.length });
    const part = route === 'trickle' ? 1 : Math.ceil(body.length / 10);
    let sent = 0;
    const tick = setInterval(
      () => {
        if (res.destroyed || sent >= body.length) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(body.subarray(sent, sent + part));
        sent += part;
      },
      route === 'trickle' ? 20 : 50,
    );
    res.on('close', () => clearInterval(tick));
  } else if (route === 'stall') {
    stalled.push(res); // never answers
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const [, route = '', file = ''] = (req.url ?? '').split('/');
    requests.push(`/${route}/${file}`);
    handle(route, file, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  server.close();
});

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-download-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  requests.length = 0;
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const quiet = { expectedChecksums, progress: false } as const;

describe('downloadFashionMnist from a local HTTP server', () => {
  it('writes the four verified gzip files under their official names and nothing else', async () => {
    const target = join(tempDir(), 'a', 'b'); // created on demand
    const written = await downloadFashionMnist(target, { ...quiet, mirror: `${base}/ok` });
    const names = FASHION_MNIST_FILES.map((f) => `${f}.gz`);
    expect(written).toEqual(names.map((n) => join(target, n)));
    expect(readdirSync(target).sort()).toEqual([...names].sort()); // no temp files left over
    for (const name of names) expect(readFileSync(join(target, name)).equals(gzipped[name]!)).toBe(true);
  });

  it('reports progress up to the full Content-Length of each file', async () => {
    const events: DownloadProgress[] = [];
    await downloadFashionMnist(tempDir(), { ...quiet, mirror: `${base}/ok/`, progress: (p) => events.push({ ...p }) });
    const finished = events.filter((e) => e.done);
    expect(finished.map((e) => e.file)).toEqual(FASHION_MNIST_FILES.map((f) => `${f}.gz`));
    for (const e of finished) expect(e.receivedBytes).toBe(gzipped[e.file]!.length);
    for (const e of finished) expect(e.totalBytes).toBe(gzipped[e.file]!.length);
  });

  it('follows redirects', async () => {
    const target = tempDir();
    await downloadFashionMnist(target, { ...quiet, mirror: `${base}/redirect` });
    expect(readdirSync(target)).toHaveLength(4);
    expect(requests).toContain('/ok/train-images-idx3-ubyte.gz');
  });

  it('takes the mirror from $LENET_FASHION_MNIST_MIRROR', async () => {
    const target = tempDir();
    await downloadFashionMnist(target, { ...quiet, env: { LENET_FASHION_MNIST_MIRROR: `${base}/ok` } });
    expect(requests).toHaveLength(4);
    expect(requests.every((r) => r.startsWith('/ok/'))).toBe(true);
  });

  it('keeps a body that the server sent with Content-Encoding: gzip, under the uncompressed name', async () => {
    const target = tempDir();
    await downloadFashionMnist(target, { ...quiet, mirror: `${base}/encoded`, files: ['train-labels-idx1-ubyte'] });
    expect(readdirSync(target)).toEqual(['train-labels-idx1-ubyte']);
    expect(readFileSync(join(target, 'train-labels-idx1-ubyte')).equals(files['train-labels-idx1-ubyte'])).toBe(true);
  });

  it('rejects a file whose uncompressed checksum differs, leaving no file behind', async () => {
    const target = tempDir();
    const wrong = { ...expectedChecksums, 'train-images-idx3-ubyte': '0'.repeat(64) };
    const error = await dataErrorOf(downloadFashionMnist(target, { expectedChecksums: wrong, progress: false, mirror: `${base}/ok` }));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/\/ok\/train-images-idx3-ubyte\.gz has SHA-256 .* expected 000000000000…; the mirror sent a different file/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('checks the official checksums by default', async () => {
    const target = tempDir();
    const error = await dataErrorOf(downloadFashionMnist(target, { progress: false, mirror: `${base}/ok` }));
    expect(error.message).toMatch(/expected c59f468a2f67…/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('reports an HTTP 404 with the URL and leaves nothing behind', async () => {
    const target = tempDir();
    const error = await dataErrorOf(downloadFashionMnist(target, { ...quiet, mirror: `${base}/missing` }));
    expect(error.code).toBe('download');
    expect(error.message).toBe(
      `${base}/missing/train-images-idx3-ubyte.gz answered HTTP 404 Not Found; retry, or set LENET_FASHION_MNIST_MIRROR ` +
        'to another mirror, or install the Debian package dataset-fashion-mnist',
    );
    expect(readdirSync(target)).toEqual([]);
  });

  it('reports a connection cut mid-body and leaves no partial file', async () => {
    const target = tempDir();
    const error = await dataErrorOf(downloadFashionMnist(target, { ...quiet, mirror: `${base}/truncated` }));
    expect(error.code).toBe('download');
    expect(error.message).toMatch(/^could not download .*\/truncated\/train-images-idx3-ubyte\.gz \(terminated/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('rejects a complete response that carries a truncated gzip file', async () => {
    const target = tempDir();
    const error = await dataErrorOf(downloadFashionMnist(target, { ...quiet, mirror: `${base}/short-gzip` }));
    expect(error.message).toMatch(/train-images-idx3-ubyte\.gz is a corrupt or truncated gzip file \(unexpected end of file\); retry/);
    expect(readdirSync(target)).toEqual([]);
  });

  it('rejects a page that is not gzip or IDX data', async () => {
    const error = await dataErrorOf(downloadFashionMnist(tempDir(), { ...quiet, mirror: `${base}/html` }));
    expect(error.message).toMatch(/sent neither gzip nor IDX data \(is the mirror URL right\?\)/);
  });

  it('gives up on a server that sends nothing within the timeout', async () => {
    const started = Date.now();
    const error = await dataErrorOf(downloadFashionMnist(tempDir(), { ...quiet, mirror: `${base}/stall`, timeoutMs: 300 }));
    expect(error.message).toMatch(/stall\/train-images-idx3-ubyte\.gz sent nothing for 0\.3 s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on a server that trickles bytes too slowly to ever finish, though it is never idle', async () => {
    const started = Date.now();
    const error = await dataErrorOf(downloadFashionMnist(tempDir(), { ...quiet, mirror: `${base}/trickle`, timeoutMs: 400, minBytesPerSecond: 1000 }));
    expect(error.message).toMatch(/trickle\/train-images-idx3-ubyte\.gz sent only \d+ bytes in 0\.4 s, slower than 1000 bytes\/s; retry/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up on a file that takes longer than the overall timeout', async () => {
    const dir = tempDir();
    const error = await dataErrorOf(
      downloadFashionMnist(dir, { ...quiet, mirror: `${base}/trickle`, timeoutMs: 5000, minBytesPerSecond: 1, totalTimeoutMs: 300 }),
    );
    expect(error.message).toMatch(/trickle\/train-images-idx3-ubyte\.gz took more than 0\.3 s \(\d+ bytes so far\)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prints a progress line every interval when stderr is not a terminal', async () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    stream.isTTY = false;
    let text = '';
    stream.on('data', (c: Buffer) => (text += c.toString()));
    await downloadFashionMnist(tempDir(), {
      mirror: `${base}/slow`,
      expectedChecksums,
      files: ['train-images-idx3-ubyte'],
      progress: stderrProgress(stream, { intervalMs: 100 }),
    });
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(0, -1).every((l) => /^downloading train-images-idx3-ubyte\.gz: \d+\.\d\/\d+\.\d MB \d+%$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^downloaded train-images-idx3-ubyte\.gz \(\d+\.\d MB\) from .*\/slow\//);
  });

  it('reports a refused connection', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await dataErrorOf(downloadFashionMnist(tempDir(), { ...quiet, mirror: `http://127.0.0.1:${port}/` }));
    expect(error.message).toMatch(/^could not download .* \(fetch failed: ECONNREFUSED\)/);
  });

  it('refuses a target directory it cannot create, before downloading', async () => {
    const blocker = join(tempDir(), 'a-file');
    writeFileSync(blocker, 'not a directory');
    const error = await dataErrorOf(downloadFashionMnist(join(blocker, 'cache'), { ...quiet, mirror: `${base}/ok` }));
    expect(error.code).toBe('unwritable');
    expect(error.message).toMatch(/^cannot write to .*a-file\/cache \(ENOTDIR\); set XDG_CACHE_HOME or --data-dir/);
    expect(requests).toEqual([]);
  });
});

describe('loadFashionMnist downloading into the cache', () => {
  const options = (root: string, route = 'ok') => ({
    env: {},
    cacheDir: join(root, 'cache'),
    systemDir: join(root, 'no-system'),
    expectedChecksums,
    download: { mirror: `${base}/${route}`, progress: false as const },
  });

  it('downloads when nothing is found, then reads the cache without downloading again', async () => {
    const root = tempDir();
    const first = await loadFashionMnist(options(root));
    expect([first.origin, first.source, first.train.count, first.test.count]).toEqual(['download', join(root, 'cache'), 200, 50]);
    expect(requests).toHaveLength(4);
    const second = await loadFashionMnist(options(root));
    expect(second.origin).toBe('cache');
    expect(requests).toHaveLength(4);
    expect(Buffer.from(second.train.images).equals(Buffer.from(first.train.images))).toBe(true);
  });

  it('fetches only the files an interrupted earlier download left missing', async () => {
    const root = tempDir();
    const kept: FashionMnistFile[] = ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
    writeDataset(join(root, 'cache'), Object.fromEntries(kept.map((f) => [f, files[f]])));
    await loadFashionMnist(options(root));
    expect(requests.sort()).toEqual(['/ok/t10k-images-idx3-ubyte.gz', '/ok/train-labels-idx1-ubyte.gz']);
  });

  it('names the places it searched when the download fails too', async () => {
    const root = tempDir();
    const error = await dataErrorOf(loadFashionMnist(options(root, 'missing')));
    expect(error.code).toBe('download');
    expect(error.message).toMatch(
      new RegExp(`^no Fashion-MNIST found in ${root}/cache \\(user cache\\), ${root}/no-system .*, and downloading failed: .* answered HTTP 404`),
    );
    expect(existsSync(join(root, 'cache')) ? readdirSync(join(root, 'cache')) : []).toEqual([]);
  });
});

describe('stderrProgress', () => {
  function capture(isTTY: boolean) {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    stream.isTTY = isTTY;
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { stream, text: () => chunks.join('') };
  }
  const step = (receivedBytes: number, done = false): DownloadProgress => ({
    file: 'f.gz',
    url: 'http://m/f.gz',
    receivedBytes,
    totalBytes: 2_000_000,
    done,
  });

  it('prints one line per finished file when stderr is not a terminal', () => {
    const { stream, text } = capture(false);
    const show = stderrProgress(stream);
    show(step(1_000_000));
    show(step(2_000_000, true));
    expect(text()).toBe('downloaded f.gz (2.0 MB) from http://m/f.gz\n');
  });

  it('redraws one line with done/total on a terminal and ends it when the file is done', () => {
    const { stream, text } = capture(true);
    const show = stderrProgress(stream);
    show(step(1_000_000));
    show(step(2_000_000, true));
    expect(text()).toBe('\r\x1b[Kdownloading f.gz 1.0/2.0 MB 50%\r\x1b[Kdownloading f.gz 2.0/2.0 MB 100%\n');
  });
});
