#!/usr/bin/env node
import { loadFashionMnist } from '@lenet-ts/core/data';
import { startPlaygroundServer } from './server.js';

/** `--port N` or PORT, default 5173. */
function port(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const flag = argv.indexOf('--port');
  const text = flag >= 0 ? argv[flag + 1] : (argv.find((a) => a.startsWith('--port='))?.slice(7) ?? env.PORT);
  if (text === undefined) return 5173;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`port must be 0..65535, got ${text}; pass --port 5173 or PORT=5173`);
  return value;
}

async function main(): Promise<void> {
  // The same search as the CLI (LENET_DATA_DIR, the cache, /usr/share/datasets/fashion-mnist, a download).
  const data = await loadFashionMnist();
  const served = await startPlaygroundServer({ port: port(process.argv.slice(2), process.env), dataDir: data.source });
  process.stdout.write(`LeNet playground: ${served.url} (Fashion-MNIST from ${data.source})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`lenet playground: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
