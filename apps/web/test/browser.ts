import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); the driver never downloads a browser. */
export const CHROMIUM = process.env.LENET_CHROMIUM ?? '/usr/lib/chromium/chromium';

/**
 * Headless Chromium as the tests need it: WebGPU and WebGL2 on SwiftShader (software, as there is no GPU
 * here), and no background connections, which this machine's closed network refuses.
 */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export interface Chromium {
  readonly browser: Browser;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'lenet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  return {
    browser: context.browser()!,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the page sets `document.body.dataset.lenetStatus` (done or error). */
export async function waitForStatus(page: Page, timeoutMs: number): Promise<string> {
  await page.waitForFunction(() => document.body.dataset.lenetStatus !== undefined, undefined, { timeout: timeoutMs, polling: 250 });
  return page.evaluate(() => document.body.dataset.lenetStatus!);
}
