import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from './fixtures.js';

const run = promisify(execFile);

/** Debian's `chromium` (scripts/setup.sh installs it), or $CHROMIUM. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(`no Chromium found (looked at ${candidates.join(', ')}); install the Debian package chromium (scripts/setup.sh does) or set CHROMIUM`);
  return found;
}

/** Headless, offline, with a fresh profile: nothing outside the page can change what it renders. */
async function headless(args: string[]): Promise<string> {
  const { stdout } = await run(
    chromiumPath(),
    [
      '--headless',
      '--no-sandbox', // tests may run as root, where the sandbox refuses to start
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${tempDir('lenet-chromium-')}`,
      ...args,
    ],
    { timeout: 60_000, maxBuffer: 64 * 2 ** 20 },
  );
  return stdout;
}

/** The page's DOM after Chromium loaded and laid it out. */
export function dumpDom(htmlPath: string): Promise<string> {
  return headless(['--dump-dom', pathToFileURL(htmlPath).href]);
}

/** A PNG screenshot of the page at the given window size; returns its path. */
export async function screenshot(htmlPath: string, width: number, height: number): Promise<string> {
  const out = join(tempDir('lenet-shot-'), 'page.png');
  await headless([`--screenshot=${out}`, `--window-size=${width},${height}`, '--hide-scrollbars', pathToFileURL(htmlPath).href]);
  return out;
}
