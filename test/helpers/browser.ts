import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where the browser tests leave their screenshots (gitignored): the closing notes and CI logs point here. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'playground');

/**
 * The Chromium the browser tests drive: PLAYWRIGHT_CHROMIUM_PATH when set, Debian's /usr/bin/chromium when installed,
 * else the one @sparticuz/chromium ships inside its npm package (unpacked to the temp folder on first use), so that
 * `npm ci && npm test` needs no browser on the machine and downloads nothing (docs/playground.md §6).
 */
async function chromiumPath(): Promise<string> {
  const configured = process.env['PLAYWRIGHT_CHROMIUM_PATH'];
  if (configured) return configured;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  type Packaged = { executablePath(): Promise<string> };
  const loaded = require('@sparticuz/chromium') as Packaged & { default?: Packaged };
  return (loaded.default ?? loaded).executablePath();
}

/**
 * Headless, and quiet on the network: without the background-networking flags Chromium keeps dialling Google's
 * hosts, which a closed test machine refuses; no sandbox, since CI runs as root.
 */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: await chromiumPath(), args: ARGS, headless: true });
}
