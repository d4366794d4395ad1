// The seed guide's two ways, as written there (our binary's name aside), through the real CLI
// process and a real IdP, in Chromium: `--oidc` flags, and the guide's policy.yaml. Then a
// standalone edge keeps SSO sessions across a SIGKILL and restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startIdp, type TestIdp, type TestUser } from '../support/idp.ts';
import { makeTestTls, type TestTls } from '../support/tls.ts';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startApp } from '../support/tunnel.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { freePort } from '../support/net.ts';

const SEED = new URL('../../../shared/seeds/000_caa2fa76c5c674cf.txt', import.meta.url);
const CLIENT_ID = 'jumpcloud-like-client';
const CLIENT_SECRET = 'jumpcloud-like-secret-0123456789';
const USER: TestUser = { id: 'u-42', email: 'grace@acme.com', name: 'Grace Hopper', preferredUsername: 'grace', groups: ['navy'], password: 'pw-grace' };

let tls: TestTls;
let idp: TestIdp;
let app: Awaited<ReturnType<typeof startApp>>;
let browser: Browser;
let edgePort: number;
let standalonePort: number;
// The CLI runs in its own process: it trusts the test CA the way a user's company CA is trusted.
const env = () => ({ NODE_EXTRA_CA_CERTS: tls.caPath });

before(async () => {
  tls = await makeTestTls();
  edgePort = await freePort();
  standalonePort = await freePort();
  idp = await startIdp({
    tls,
    users: [USER],
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`http://localhost:${edgePort}/oauth2/callback`, `https://edge.localhost:${standalonePort}/oauth2/callback`],
      },
    ],
  });
  app = await startApp((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, email: req.headers['x-forwarded-email'] ?? null, user: req.headers['x-forwarded-user'] ?? null }));
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await idp?.stop();
  await tls?.cleanup();
});

async function signIn(page: Page): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(idp.issuer));
  await page.fill('input[name=login]', USER.email);
  await page.fill('input[name=password]', USER.password);
  await page.click('button:has-text("Sign in")');
}

async function visitAndSignIn(url: string): Promise<{ page: Page; seen: { url: string; email: string | null; user: string | null } }> {
  const page = await (await newContext(browser)).newPage();
  await page.goto(url);
  await signIn(page);
  await page.waitForURL(url);
  return { page, seen: JSON.parse((await page.textContent('body')) ?? '{}') };
}

/** The policy.yaml of the seed guide, as printed there, with its placeholders filled in. */
async function seedPolicy(): Promise<string> {
  const seed = await readFile(SEED, 'utf8');
  const yaml = /```yaml[^\n]*\n([\s\S]*?)```/.exec(seed)![1]!;
  assert.match(yaml, /type: openid-connect/);
  return yaml
    .replace("'https://oauth.id.jumpcloud.com/'", `'${idp.issuer}'`)
    .replace("'YOUR_JUMPCLOUD_CLIENT_ID'", `'${CLIENT_ID}'`)
    .replace("'YOUR_JUMPCLOUD_CLIENT_SECRET'", `'${CLIENT_SECRET}'`);
}

test('option 1: gatehouse http <port> --oidc=ISSUER --oidc-client-id=ID --oidc-client-secret=SECRET', async () => {
  const cli = runCli(
    ['http', String(app.port), `--oidc=${idp.issuer}`, `--oidc-client-id=${CLIENT_ID}`, `--oidc-client-secret=${CLIENT_SECRET}`, '--edge-addr', `127.0.0.1:${edgePort}`, '--web-addr', 'false'],
    env(),
  );
  try {
    const [, url] = await cli.waitFor(/Forwarding\s+(http:\/\/[a-z0-9]{8}\.localhost:\d+)/);
    assert.match(cli.stdout(), new RegExp(`Redirect URI\\s+http://localhost:${edgePort}/oauth2/callback`));
    const { page, seen } = await visitAndSignIn(`${url}/reports?year=2026`);
    assert.deepEqual(seen, { url: '/reports?year=2026', email: USER.email, user: USER.id });
    assert.ok(!cli.stdout().includes(CLIENT_SECRET) && !cli.stderr().includes(CLIENT_SECRET));
    await page.context().close();
  } finally {
    assert.equal(await cli.stop(), 0);
  }
});

test("option 2: gatehouse http <port> --traffic-policy-file policy.yaml --url NAME, with the guide's file", async () => {
  const file = join(tls.dir, 'policy.yaml');
  await writeFile(file, await seedPolicy());
  const cli = runCli(['http', String(app.port), '--traffic-policy-file', file, '--url', 'jumpcloud-sso-test', '--edge-addr', `127.0.0.1:${edgePort}`, '--web-addr', 'false'], env());
  try {
    const [, url] = await cli.waitFor(/Forwarding\s+(http:\/\/jumpcloud-sso-test\.localhost:\d+)/);
    const { page, seen } = await visitAndSignIn(`${url}/`);
    assert.equal(seen.email, USER.email);
    await page.context().close();
  } finally {
    assert.equal(await cli.stop(), 0);
  }
});

test('a wrong issuer, a malformed policy file, flags plus a policy: one clear line, non-zero exit', async () => {
  const bad = join(tls.dir, 'bad.yaml');
  await writeFile(bad, 'on_http_request:\n  - actions:\n      - type: openid-connect\n        config:\n          issuer_url: http://example.com/\n          client_id: x\n          clien_secret: y\n');
  const cases: [string[], RegExp][] = [
    [[`--oidc=https://127.0.0.1:${await freePort()}/`, '--oidc-client-id=x', '--oidc-client-secret=y'], /OIDC issuer https:\/\/127\.0\.0\.1:\d+\/: unreachable \(connection refused\)/],
    [[`--oidc=${idp.issuer}nope/`, '--oidc-client-id=x', '--oidc-client-secret=y'], /not an OpenID Connect issuer|issuer mismatch/],
    [['--traffic-policy-file', bad], /bad\.yaml line 5: .*issuer_url must be an https URL[\s\S]*line 7: .*clien_secret/],
    [['--traffic-policy-file', await (async () => (await writeFile(join(tls.dir, 'p.yaml'), await seedPolicy()), join(tls.dir, 'p.yaml')))(), `--oidc=${idp.issuer}`, '--oidc-client-id=x'], /use one/],
  ];
  for (const [args, message] of cases) {
    const cli = runCli(['http', String(app.port), '--edge-addr', '127.0.0.1:0', '--web-addr', 'false', ...args], env());
    assert.notEqual(await cli.exit, 0, args.join(' '));
    assert.match(cli.stderr(), message);
    assert.doesNotMatch(cli.stderr(), /\n\s+at /, 'no stack trace');
  }
});

test('a standalone edge keeps SSO sessions across a SIGKILL and restart (same session key file)', async () => {
  await writeFile(join(tls.dir, 'tokens.txt'), 'restart-token-0123456789\n');
  const startEdge = () =>
    runCli(
      ['edge', '--domain', 'edge.localhost', '--listen', `127.0.0.1:${standalonePort}`, '--public-port', String(standalonePort), '--tls-cert', join(tls.dir, 'server.pem'), '--tls-key', join(tls.dir, 'server.key'), '--authtokens-file', join(tls.dir, 'tokens.txt'), '--session-key-file', join(tls.dir, 'session.key'), '--admin-addr', 'false', '--log-level', 'warn'],
      env(),
    );
  let edge: CliRun = startEdge();
  await new Promise((r) => setTimeout(r, 800));
  const agent = runCli(
    ['http', String(app.port), '--url', 'sticky', '--edge', `wss://127.0.0.1:${standalonePort}`, '--authtoken', 'restart-token-0123456789', '--edge-ca', tls.caPath, '--web-addr', 'false', `--oidc=${idp.issuer}`, `--oidc-client-id=${CLIENT_ID}`, `--oidc-client-secret=${CLIENT_SECRET}`],
    env(),
  );
  try {
    const [, url] = await agent.waitFor(/Forwarding\s+(https:\/\/sticky\.edge\.localhost:\d+)/);
    // The agent learns the edge's public address from the edge, so it prints the right Redirect URI.
    assert.match(agent.stdout(), new RegExp(`Redirect URI\\s+https://edge\\.localhost:${standalonePort}/oauth2/callback`));
    const { page, seen } = await visitAndSignIn(`${url}/before`);
    assert.equal(seen.email, USER.email);
    const logins = idp.logins.length;
    edge.child.kill('SIGKILL');
    await edge.exit;
    edge = startEdge();
    // Once the agent is back, the same browser is still signed in: no trip to the IdP.
    let body = '';
    for (let i = 0; i < 100 && !body.includes('/after'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const res = await page.goto(`${url}/after`).catch(() => null);
      body = res && res.status() === 200 ? ((await page.textContent('body')) ?? '') : '';
    }
    assert.deepEqual(JSON.parse(body), { url: '/after', email: USER.email, user: USER.id });
    assert.equal(idp.logins.length, logins, 'no new login at the IdP');
    await page.context().close();
  } finally {
    await agent.stop();
    await edge.stop();
  }
});
