// Runs TensorFlow.js in a real page: headless Chromium (Debian's `chromium`) loading files from a loopback server.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The tfjs browser bundles (UMD, each adding to the global `tf`), in load order. */
const TFJS_BUNDLES = [
  '@tensorflow/tfjs-core/dist/tf-core.min.js',
  '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
  '@tensorflow/tfjs-layers/dist/tf-layers.min.js',
];

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`no Chromium found (looked at ${candidates.join(', ')}); install the Debian package chromium (scripts/setup.sh does) or set CHROMIUM`);
  return found;
}

/**
 * Serves `files` (URL path -> bytes) and the tfjs bundles on 127.0.0.1, opens a page that runs `script`
 * (an async function body that returns a JSON-able value) with the global `tf`, and returns that value.
 */
export async function runInPage(files: ReadonlyMap<string, Uint8Array | string>, script: string): Promise<unknown> {
  const served = new Map<string, Uint8Array | string>(files);
  TFJS_BUNDLES.forEach((bundle, i) => served.set(`/tfjs-${i}.js`, readFileSync(require.resolve(bundle))));
  const html = `<!doctype html><meta charset="utf-8"><pre id="out">pending</pre>
${TFJS_BUNDLES.map((_, i) => `<script src="/tfjs-${i}.js"></script>`).join('\n')}
<script>
(async () => { ${script} })().then(
  (value) => { document.getElementById('out').textContent = 'OK ' + JSON.stringify(value); },
  (error) => { document.getElementById('out').textContent = 'ERROR ' + error.message; });
</script>`;
  served.set('/index.html', html);
  const server = createServer((request, response) => {
    const body = served.get(new URL(request.url ?? '/', 'http://localhost').pathname);
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const profile = mkdtempSync(join(tmpdir(), 'lenet-interop-chromium-'));
  try {
    const { port } = server.address() as AddressInfo;
    const { stdout } = await run(
      chromiumPath(),
      [
        '--headless',
        '--no-sandbox', // tests may run as root, where the sandbox refuses to start
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${profile}`,
        // Lets the page's async work finish before the DOM is dumped.
        '--virtual-time-budget=60000',
        '--dump-dom',
        `http://127.0.0.1:${port}/index.html`,
      ],
      { timeout: 120_000, maxBuffer: 64 * 2 ** 20 },
    );
    const out = /<pre id="out">([\s\S]*?)<\/pre>/.exec(stdout)?.[1] ?? '';
    if (!out.startsWith('OK ')) throw new Error(`the page did not finish: ${out.slice(0, 500) || stdout.slice(0, 500)}`);
    return JSON.parse(
      out
        .slice(3)
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    );
  } finally {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
