import { loadFashionMnist } from '@lenet-ts/core/data';
import { startPlaygroundServer, type PlaygroundServer } from '../src/server/server.js';

/** The built page (dist/public, from `pnpm build`) served on a free loopback port, data found as the CLI finds it. */
export async function servePlayground(): Promise<PlaygroundServer> {
  const data = await loadFashionMnist();
  return startPlaygroundServer({ port: 0, dataDir: data.source });
}
