// The renderer driven in Chromium against the real app service in headless mode, with the real
// OS keychain (Secret Service), a real IdP (oidc-provider over HTTPS) and a real local app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createAppService, type AppService } from '../../main/app/service.ts';
import { startWebServer, type WebServer } from '../../main/app/web-server.ts';
import { createKeychainStore, SecretAccounts } from '../../main/secrets/keychain.ts';
import { silentLogger } from '../../main/common/log.ts';
import { startIdp, type TestIdp } from '../support/idp.ts';
import { makeTestTls, type TestTls } from '../support/tls.ts';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startApp } from '../support/tunnel.ts';
import { freePort } from '../support/net.ts';

const SECRET = `s3cret-${randomBytes(8).toString('hex')}`;
const CLIENT_ID = 'gatehouse-e2e';
const USER = { id: 'u-1', email: 'ada@example.com', name: 'Ada Lovelace', preferredUsername: 'ada', groups: ['eng'], password: 'pw-ada' };

let tls: TestTls;
let idp: TestIdp;
let app: Awaited<ReturnType<typeof startApp>>;
let service: AppService;
let web: WebServer;
let browser: Browser;
let configDir: string;
let edgePort: number;
const keychain = createKeychainStore({ service: `gatehouse-e2e-${process.pid}` });


before(async () => {
  edgePort = await freePort();
  tls = await makeTestTls();
  idp = await startIdp({
    tls,
    users: [USER],
    clients: [{ clientId: CLIENT_ID, clientSecret: SECRET, redirectUris: [`http://localhost:${edgePort}/oauth2/callback`] }],
  });
  app = await startApp((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<h1>Local app</h1><p id="who">${req.headers['x-forwarded-email'] ?? 'nobody'}</p><p id="path">${req.url}</p>`);
  });
  configDir = await mkdtemp(join(tmpdir(), 'gatehouse-e2e-'));
  service = await createAppService({ shell: 'headless', configDir, edgeAddr: `127.0.0.1:${edgePort}`, secrets: keychain, idpCa: tls.caPem, log: silentLogger });
  web = await startWebServer(service, '127.0.0.1', 0, silentLogger);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await web?.close();
  await service?.close();
  await app?.close();
  await idp?.stop();
  await tls?.cleanup();
  for (const a of Object.values(SecretAccounts)) await keychain.delete(a).catch(() => {});
  await rm(configDir, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

async function openUi(): Promise<Page> {
  const ctx = await newContext(browser, { permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await ctx.newPage();
  await page.goto(web.url);
  return page;
}

test('settings: the client secret goes to the keychain, never to a file or back to the page', async () => {
  const page = await openUi();
  await page.getByRole('link', { name: 'Settings' }).or(page.getByRole('button', { name: 'Settings' })).first().click();
  await page.getByLabel('Issuer URL').fill(idp.issuer);
  await page.getByLabel('Client ID').fill(CLIENT_ID);
  await page.getByLabel('Client secret').fill(SECRET);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByLabel('Client secret').and(page.locator('[placeholder*="stored"]')).waitFor();

  assert.equal(await keychain.get(SecretAccounts.oidcClientSecret), SECRET);
  for (const f of await filesUnder(configDir)) assert.ok(!(await readFile(f, 'utf8')).includes(SECRET), `secret found in ${f}`);
  const settingsFile = JSON.parse(await readFile(join(configDir, 'settings.json'), 'utf8'));
  assert.equal(settingsFile.clientId, CLIENT_ID);
  assert.equal(await page.getByLabel('Client secret').inputValue(), '');
  assert.ok(!(await page.content()).includes(SECRET));
  const view = await service.getSettings();
  assert.ok(!JSON.stringify(view).includes(SECRET));
  assert.equal(view.clientSecretStored, true);
  await page.context().close();
});

test('bad input shows a clear message where the user looks', async () => {
  const page = await openUi();
  await page.getByLabel('Local address').fill('not a port');
  await page.getByRole('button', { name: 'Start tunnel' }).click();
  const alert = page.getByRole('alert').first();
  await alert.waitFor();
  assert.match(await alert.innerText(), /port|address/i);
  await page.context().close();
});

test('Start tunnel → Forwarding URL → Copy → visitor signs in through SSO → Stop takes it offline', async () => {
  const page = await openUi();
  await page.getByLabel('Local address').fill(String(app.port));
  const sso = page.getByLabel('Require single sign-on (SSO)');
  if (!(await sso.isChecked())) await sso.check();
  await page.getByRole('button', { name: 'Start tunnel' }).click();
  const urlEl = page.getByLabel('Forwarding URL');
  await urlEl.waitFor();
  await page.waitForFunction(() => /^http:\/\/[a-z0-9]{8}\.localhost:\d+$/.test(document.querySelector('[aria-label="Forwarding URL"]')?.textContent?.trim() ?? ''));
  const url = (await urlEl.innerText()).trim();
  assert.match(url, new RegExp(`^http://[a-z0-9]{8}\\.localhost:${edgePort}$`));

  const card = page.getByRole('article', { name: /^Tunnel / });
  await card.getByRole('button', { name: 'Copy' }).first().click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);

  // A visitor with a fresh browser is sent to the IdP, signs in, and lands on the deep link.
  const visitor = await (await newContext(browser)).newPage();
  await visitor.goto(`${url}/deep/link?x=1`);
  assert.ok(visitor.url().startsWith(idp.issuer), `at the IdP, not ${visitor.url()}`);
  await visitor.fill('input[name=login]', USER.email);
  await visitor.fill('input[name=password]', USER.password);
  await visitor.click('button:has-text("Sign in")');
  await visitor.waitForURL(`${url}/deep/link?x=1`);
  assert.equal(await visitor.locator('#who').innerText(), USER.email);
  assert.deepEqual(idp.logins, [USER.email]);

  // The request shows up in the inspector with who made it.
  await page.getByRole('link', { name: 'Requests' }).or(page.getByRole('button', { name: 'Requests' })).first().click();
  await page.getByText('/deep/link?x=1').first().waitFor();
  await page.getByText(USER.email).first().waitFor();

  // Stop: the URL goes offline.
  await page.getByRole('link', { name: 'Tunnels' }).or(page.getByRole('button', { name: 'Tunnels' })).first().click();
  await card.getByRole('button', { name: 'Stop tunnel' }).click();
  await page.getByLabel('Forwarding URL').waitFor({ state: 'detached' });
  const after = await visitor.goto(url);
  assert.equal(after!.status(), 404);
  await visitor.context().close();
  await page.context().close();
});

test('the web API refuses cross-origin calls (CSRF) and foreign Host headers (DNS rebinding)', async () => {
  const port = web.port;
  const call = (headers: Record<string, string>) => statusOf({ host: '127.0.0.1', port, method: 'POST', path: '/api/call/listTunnels', headers }, '{"args":[]}');
  const origin = `http://127.0.0.1:${port}`;
  assert.equal(await call({ host: `127.0.0.1:${port}`, origin, 'content-type': 'application/json' }), 200);
  assert.equal(await call({ host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json' }), 403);
  assert.equal(await call({ host: `127.0.0.1:${port}`, 'content-type': 'application/json' }), 403, 'no Origin');
  assert.equal(await call({ host: `127.0.0.1:${port}`, origin, 'content-type': 'text/plain' }), 415, 'a form-like simple request');
  assert.equal(await call({ host: `rebind.example:${port}`, origin: `http://rebind.example:${port}`, 'content-type': 'application/json' }), 403);
  // From a real page on another origin, the browser's own request is refused too.
  const other = await startApp((_q, s) => s.end('<p>evil</p>'));
  const page = await (await newContext(browser)).newPage();
  await page.goto(`http://127.0.0.1:${other.port}/`);
  const status = await page.evaluate(async (target) => {
    try {
      const r = await fetch(`${target}/api/call/removeTunnel`, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"args":["x"]}' });
      return r.type;
    } catch (e) {
      return String(e);
    }
  }, origin);
  assert.equal(status, 'opaque'); // sent, but refused server-side (415/403) and unreadable
  await page.context().close();
  await other.close();
});

test('the UI server refuses undecodable and escaping paths with a 404 and keeps serving', async () => {
  const get = (path: string) => statusOf({ host: '127.0.0.1', port: web.port, path, headers: { host: `127.0.0.1:${web.port}` } });
  for (const path of ['/%E0', '/%2e%2e/package.json', '/..%2fpackage.json', '/app.js%00.html']) assert.equal(await get(path), 404, path);
  assert.equal(await get('/'), 200, 'still serving after the bad requests');
});

/** The status code of one plain HTTP request (its body is drained and ignored). */
function statusOf(opts: http.RequestOptions, body?: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = http.request(opts, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end(body);
  });
}
