// Debian's Chromium through playwright-core, with the flags every test uses (no sandbox in the
// container, no network chatter beyond loopback). Contexts trust the test IdP's CA by ignoring
// HTTPS errors; *.localhost resolves to loopback inside Chromium.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A fresh profile (no cookies), accepting the test CA's certificates. */
export async function newContext(browser: Browser, opts: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ ignoreHTTPSErrors: true, ...opts });
}
