import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import { FASHION_MNIST_FILES } from '@lenet-ts/core/data';
import { contentType, ISOLATION_HEADERS } from './headers.js';
import { fixtureFile, PUBLIC_DIR } from './paths.js';

export interface PlaygroundServerOptions {
  readonly port: number;
  readonly host?: string;
  /** The folder holding the Fashion-MNIST files (as the CLI finds it). */
  readonly dataDir: string;
  readonly publicDir?: string;
}

export interface PlaygroundServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** The data set's URL folder on the page. */
export const DATA_PATH = '/data/fashion-mnist/';
export const FIXTURE_PATH = '/fixtures/lenet-step-tfjs-layers.json';

/** Serves the built page, the data set and the conformance fixture, cross-origin isolated, on loopback. */
export async function startPlaygroundServer(options: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const publicDir = options.publicDir ?? PUBLIC_DIR;
  const fixture = fixtureFile();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = resolveFile(path, publicDir, options.dataDir, fixture);
    if (file === undefined || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...ISOLATION_HEADERS });
      response.end(`not found: ${path}\n`);
      return;
    }
    response.writeHead(200, {
      'Content-Type': contentType(file),
      'Content-Length': String(statSync(file).size),
      'Cache-Control': 'no-cache',
      ...ISOLATION_HEADERS,
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.address}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The file a URL path names, or undefined: only the public folder, the four data files and the fixture. */
function resolveFile(path: string, publicDir: string, dataDir: string, fixture: string): string | undefined {
  if (path.startsWith(DATA_PATH)) {
    const name = path.slice(DATA_PATH.length);
    const base = name.endsWith('.gz') ? name.slice(0, -3) : name;
    if (!(FASHION_MNIST_FILES as readonly string[]).includes(base)) return undefined;
    // The page asks for .gz; a folder of uncompressed files is served as is (the page tells them apart).
    return [join(dataDir, `${base}.gz`), join(dataDir, base)].find(isFile);
  }
  if (path === FIXTURE_PATH) return isFile(fixture) ? fixture : undefined;
  const relative = normalize(path === '/' ? '/index.html' : path).replace(/^([/\\])+/, '');
  const file = join(publicDir, relative);
  if (!file.startsWith(publicDir + sep) && file !== publicDir) return undefined;
  return isFile(file) ? file : undefined;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
