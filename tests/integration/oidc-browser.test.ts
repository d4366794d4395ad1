// The OIDC login flow in Chromium against a real IdP (oidc-provider over HTTPS, set up like
// JumpCloud), through a stand-in edge that runs the real openid-connect action and forwards to an
// echo app. Every login goes through the IdP's HTML form or its SSO session.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startIdp, type TestIdp, type TestUser } from '../support/idp.ts';
import { oidcConfig, startOidcTestEdge, type OidcTestEdge } from '../support/oidc-edge.ts';
import { makeTestTls, type TestTls } from '../support/tls.ts';

const ALICE: TestUser = {
  id: 'alice-sub',
  email: 'alice@example.com',
  name: 'Alice Example',
  preferredUsername: 'alice',
  groups: ['eng', 'staff'],
  password: 'alice-pw',
};
const BOB: TestUser = {
  id: 'bob-sub',
  email: 'bob@other.org',
  name: 'Bob Other',
  preferredUsername: 'bob',
  groups: ['sales'],
  password: 'bob-pw',
};
const CAROL: TestUser = {
  id: 'carol-sub',
  email: 'carol@example.com',
  emailVerified: false,
  name: 'Carol Unverified',
  preferredUsername: 'carol',
  groups: [],
  password: 'carol-pw',
};

const CLIENT_ID = 'gatehouse-test';
const CLIENT_SECRET = 'client-secret-1';

let tls: TestTls;
let idp: TestIdp;
let edge: OidcTestEdge;
let browser: Browser;
const contexts: BrowserContext[] = [];
const idpLog: string[] = [];

const url = (tunnel: string, path = '/') => `http://${tunnel}.localhost:${edge.port}${path}`;

async function freshPage(): Promise<Page> {
  const ctx = await newContext(browser);
  contexts.push(ctx);
  return ctx.newPage();
}

async function signInAt(page: Page, user: TestUser): Promise<void> {
  await page.waitForURL((u) => u.href.startsWith(idp.issuer) && u.pathname.startsWith('/interaction/'));
  await page.fill('input[name=login]', user.email);
  await page.fill('input[name=password]', user.password);
  await page.click('button:has-text("Sign in")');
}

async function echoed(page: Page): Promise<{ url: string; headers: Record<string, string> }> {
  return JSON.parse((await page.textContent('body')) ?? '{}') as { url: string; headers: Record<string, string> };
}

/** Statuses of the responses for one URL, in order (the first is the redirect to the IdP). */
function statusesOf(page: Page, target: string): number[] {
  const out: number[] = [];
  page.on('response', (r) => {
    if (r.url() === target) out.push(r.status());
  });
  return out;
}

before(async () => {
  tls = await makeTestTls();
  edge = await startOidcTestEdge({ sessionKey: randomBytes(32), fetchCa: tls.caPem });
  idp = await startIdp({
    tls,
    users: [ALICE, BOB, CAROL],
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [edge.service.callbackUrl],
        postLogoutRedirectUris: [edge.service.postLogoutUrl],
      },
    ],
    log: (l) => idpLog.push(l),
  });
  const base = { issuerUrl: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET };
  await edge.addTunnel('app1', oidcConfig(base));
  await edge.addTunnel('app2', oidcConfig(base));
  await edge.addTunnel('team', oidcConfig({ ...base, allow: { emails: [], domains: ['example.com'], groups: [] } }));
  await edge.addTunnel('wrongsecret', oidcConfig({ ...base, clientSecret: 'not-the-secret' }));
  await edge.addTunnel('postauth', oidcConfig({ ...base, tokenEndpointAuthMethod: 'client_secret_post' }));
  await edge.addTunnel(
    'refresh',
    oidcConfig({ ...base, userinfoRefreshIntervalSec: 1, allow: { emails: [], domains: [], groups: ['eng'] } }),
  );
  browser = await launchBrowser();
});

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await edge?.close();
  await idp?.stop();
  await tls?.cleanup();
});

describe('login through the IdP in Chromium', { timeout: 120_000 }, () => {
  let page: Page;

  test('a fresh browser logs in at the IdP and lands on the deep link with identity headers', async () => {
    const ctx = await newContext(browser, {
      // Forged identity headers in every letter case and with `_` for `-`.
      extraHTTPHeaders: {
        'X-Forwarded-Email': 'forged@evil.test',
        x_forwarded_user: 'forged-user',
        'X-FORWARDED-GROUPS': 'admin',
        'x-forwarded_preferred-username': 'root',
      },
    });
    contexts.push(ctx);
    page = await ctx.newPage();
    const appBefore = edge.appRequests.length;
    await page.goto(url('app1', '/deep/path?q=1&x=a%20b'));
    // Nothing reached the app before login.
    assert.equal(edge.appRequests.length, appBefore);
    await signInAt(page, ALICE);
    await page.waitForURL(url('app1', '/deep/path?q=1&x=a%20b'));
    assert.ok(idp.logins.includes(ALICE.email), 'the IdP login form was submitted');

    // The browser may fetch /favicon.ico too; find the page request itself.
    const seen = edge.appRequests.findLast((r) => r.url === '/deep/path?q=1&x=a%20b')!;
    assert.ok(seen, 'the deep link reached the app with its path and query');
    assert.equal(seen.headers['x-forwarded-user'], ALICE.id);
    assert.equal(seen.headers['x-forwarded-email'], ALICE.email);
    assert.equal(seen.headers['x-forwarded-preferred-username'], 'alice');
    assert.equal(seen.headers['x-forwarded-groups'], 'eng,staff');
    for (const k of Object.keys(seen.headers)) {
      assert.ok(!k.includes('_'), `forged header ${k} stripped`);
    }
    assert.ok(!JSON.stringify(seen.headers).includes('forged'), 'no forged value reaches the app');
    assert.ok(!/gatehouse/i.test(String(seen.headers['cookie'] ?? '')), 'Gatehouse cookies removed upstream');

    const cookies = await ctx.cookies(url('app1'));
    const session = cookies.find((c) => c.name === '__gatehouse_session');
    assert.ok(session, 'session cookie set on the tunnel host');
    assert.equal(session.domain, 'app1.localhost', 'host-only cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.secure, false, 'no Secure flag on plain http');
    assert.ok(session.value.length < 4000);
    assert.ok(!cookies.some((c) => c.name === '__gatehouse_txn'), 'txn cookie spent by the handoff');
    assert.equal((await ctx.cookies(edge.baseUrl)).length, 0, 'no cookie on the edge host');

    // The app's own cookie passes through; ours never does.
    await page.reload();
    const again = edge.appRequests.at(-1)!;
    assert.equal(again.headers['cookie'], 'app_cookie=1');
  });

  test('a second tunnel with the same IdP registration signs in through the IdP session', async () => {
    const before = idp.logins.length;
    await page.goto(url('app2', '/two'));
    await page.waitForURL(url('app2', '/two'));
    assert.equal(idp.logins.length, before, 'no second password');
    assert.equal((await echoed(page)).headers['x-forwarded-email'], ALICE.email);
  });

  test("a session cookie from one tunnel is not valid on another", async () => {
    const app1Cookie = (await page.context().cookies(url('app1'))).find((c) => c.name === '__gatehouse_session')!;
    const other = await newContext(browser);
    contexts.push(other);
    await other.addCookies([{ name: app1Cookie.name, value: app1Cookie.value, url: url('app2') }]);
    const p = await other.newPage();
    await p.goto(url('app2', '/x'));
    assert.ok(p.url().startsWith(idp.issuer), `foreign cookie means login, got ${p.url()}`);
  });

  test('open-redirect attempts on redirect_path land on / of the same host', async () => {
    const attempts = [
      '//evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '/%2F%2Fevil.example',
      '/%2fevil.example%2f',
      '%2F%2Fevil.example',
      '/%5Cevil.example',
      '/\t/evil.example',
      '/%09/evil.example',
      ' //evil.example',
      '/ /evil.example',
      'https://evil.example/',
      'http:evil.example',
      'javascript:alert(1)',
      '//app1.localhost.evil.example/',
    ];
    for (const bad of attempts) {
      await page.goto(url('app1', `/.gatehouse/login?redirect_path=${encodeURIComponent(bad)}`));
      await page.waitForURL((u) => u.host === `app1.localhost:${edge.port}` && !u.pathname.startsWith('/.gatehouse'));
      assert.equal(page.url(), url('app1', '/'), `redirect_path ${JSON.stringify(bad)}`);
    }
    await page.goto(url('app1', `/.gatehouse/login?redirect_path=${encodeURIComponent('/ok/path?a=1')}`));
    await page.waitForURL(url('app1', '/ok/path?a=1'));
    assert.ok(!edge.appRequests.some((r) => r.url.includes('.gatehouse')), 'reserved paths never reach the app');
  });

  test('tampered cookie means "not logged in"', async () => {
    const ctx = page.context();
    const session = (await ctx.cookies(url('app1'))).find((c) => c.name === '__gatehouse_session')!;
    const flipped = session.value.slice(0, 40) + (session.value[40] === 'A' ? 'B' : 'A') + session.value.slice(41);
    const other = await newContext(browser);
    contexts.push(other);
    await other.addCookies([{ name: session.name, value: flipped, url: url('app1') }]);
    const p = await other.newPage();
    const res = await p.goto(url('app1', '/t'));
    assert.ok(p.url().startsWith(idp.issuer), 'sent to the IdP, not the app');
    assert.ok(res && res.status() < 500);
  });

  test('logout ends the local session and the IdP session', async () => {
    await page.goto(url('app1', `/.gatehouse/logout?redirect_path=${encodeURIComponent('/bye')}`));
    await page.waitForURL((u) => u.href.startsWith(idp.issuer));
    await page.click('button:has-text("Yes, sign me out")');
    // Back on the tunnel at /bye, which now needs a login: the IdP shows its form again.
    await page.waitForURL((u) => u.href.startsWith(idp.issuer) && u.pathname.startsWith('/interaction/'));
    const cookies = await page.context().cookies(url('app1'));
    assert.ok(!cookies.some((c) => c.name === '__gatehouse_session'), 'local session cleared');
    await signInAt(page, ALICE);
    await page.waitForURL(url('app1', '/bye'));
  });
});

describe('callback abuse', { timeout: 60_000 }, () => {
  test('a replayed callback gets a 400 page and no session', async () => {
    const page = await freshPage();
    let callbackUrl = '';
    page.on('request', (r) => {
      if (r.url().startsWith(edge.service.callbackUrl)) callbackUrl = r.url();
    });
    await page.goto(url('app1', '/r'));
    await signInAt(page, ALICE);
    await page.waitForURL(url('app1', '/r'));
    assert.ok(callbackUrl);

    const victim = await freshPage();
    const res = await victim.goto(callbackUrl);
    assert.equal(res?.status(), 400);
    assert.match((await victim.textContent('body')) ?? '', /This sign-in response was already used/);
    assert.equal((await victim.context().cookies(url('app1'))).length, 0, 'no session');
    const startAgain = await victim.getAttribute('a', 'href');
    assert.equal(startAgain, url('app1', '/.gatehouse/login?redirect_path=%2Fr'));
  });

  test('a callback opened in a browser that did not start the login creates no session', async () => {
    // The attacker logs in but stops before the callback (Playwright cannot intercept redirects,
    // so the last IdP hops go through the context's request API, which shares its cookies).
    const attacker = await freshPage();
    await attacker.goto(url('app1', '/csrf'));
    await attacker.waitForURL((u) => u.pathname.startsWith('/interaction/'));
    const action = (await attacker.getAttribute('form[action$="/login"]', 'action'))!;
    const api = attacker.context().request;
    let res0 = await api.post(new URL(action, idp.issuer).href, {
      form: { login: BOB.email, password: BOB.password },
      maxRedirects: 0,
    });
    let captured = res0.headers()['location'] ?? '';
    for (let hops = 0; captured && !captured.startsWith(edge.service.callbackUrl) && hops < 5; hops++) {
      res0 = await api.get(new URL(captured, idp.issuer).href, { maxRedirects: 0 });
      captured = res0.headers()['location'] ?? '';
    }
    assert.ok(captured.startsWith(edge.service.callbackUrl), 'callback URL captured before use');

    const victim = await freshPage();
    const res = await victim.goto(captured);
    assert.equal(res?.status(), 400);
    assert.match((await victim.textContent('body')) ?? '', /not started in this browser/);
    assert.ok(!(await victim.context().cookies(url('app1'))).some((c) => c.name === '__gatehouse_session'));
  });
});

describe('access decisions and IdP errors', { timeout: 120_000 }, () => {
  test('allow-list denial: 403 page names the email and offers logout; the app is never reached', async () => {
    const page = await freshPage();
    const appBefore = edge.appRequests.filter((r) => String(r.headers.host).startsWith('team.')).length;
    const statuses = statusesOf(page, url('team', '/'));
    await page.goto(url('team', '/'));
    await signInAt(page, BOB);
    await page.waitForURL(url('team', '/'));
    assert.equal(statuses.at(-1), 403);
    const text = (await page.textContent('body')) ?? '';
    assert.match(text, /bob@other\.org/);
    assert.equal(await page.getAttribute('a', 'href'), '/.gatehouse/logout?redirect_path=%2F');
    assert.equal(edge.appRequests.filter((r) => String(r.headers.host).startsWith('team.')).length, appBefore);
  });

  test('an unverified email does not satisfy a domain allow-list; a verified one does', async () => {
    const carol = await freshPage();
    const statuses = statusesOf(carol, url('team', '/'));
    await carol.goto(url('team', '/'));
    await signInAt(carol, CAROL);
    await carol.waitForURL(url('team', '/'));
    assert.equal(statuses.at(-1), 403);

    const alice = await freshPage();
    await alice.goto(url('team', '/ok'));
    await signInAt(alice, ALICE);
    await alice.waitForURL(url('team', '/ok'));
    assert.equal((await echoed(alice)).headers['x-forwarded-email'], ALICE.email);
  });

  test('access_denied from the IdP shows a page with a retry link', async () => {
    const page = await freshPage();
    await page.goto(url('app1', '/after-cancel'));
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/'));
    const res0 = page.waitForResponse((r) => r.url().startsWith(edge.service.callbackUrl));
    await page.click('button:has-text("Cancel")');
    assert.equal((await res0).status(), 403);
    assert.match((await page.textContent('body')) ?? '', /did not let you in/);
    assert.equal(await page.getAttribute('a', 'href'), url('app1', '/.gatehouse/login?redirect_path=%2Fafter-cancel'));
  });

  test('invalid_client (wrong secret, or client_secret_post against a Basic-only IdP): page and log line', async () => {
    for (const tunnel of ['wrongsecret', 'postauth']) {
      const page = await freshPage();
      await page.goto(url(tunnel, '/'));
      await signInAt(page, ALICE);
      await page.waitForURL((u) => u.href.startsWith(edge.service.callbackUrl));
      const text = (await page.textContent('body')) ?? '';
      assert.match(text, /client ID or client secret is wrong, or the client authentication type/, edge.logLines.filter((l) => /exchange|callback/.test(l)).join("\n"));
      assert.ok((await page.context().cookies(url(tunnel))).every((c) => c.name !== '__gatehouse_session'));
      const line = edge.logLines.find((l) => l.includes(`host=${tunnel}.localhost`) && l.includes('invalid_client'));
      assert.ok(line, `log line for ${tunnel}:\n${edge.logLines.filter((l) => /callback|token|client/i.test(l)).join('\n')}`);
      assert.ok(!line.includes('not-the-secret') && !line.includes(CLIENT_SECRET), 'no secret in the log');
    }
  });

  test('userinfo_refresh_interval re-reads the identity and re-checks access', async () => {
    const page = await freshPage();
    await page.goto(url('refresh', '/'));
    await signInAt(page, ALICE);
    await page.waitForURL(url('refresh', '/'));
    assert.equal((await echoed(page)).headers['x-forwarded-groups'], 'eng,staff');
    const alice = idp.users.get(ALICE.id)!;
    alice.groups = ['staff'];
    try {
      await new Promise((r) => setTimeout(r, 1100));
      const res = await page.reload();
      assert.equal(res?.status(), 403, 'removed from the allowed group: denied');
      alice.groups = ['eng', 'ops'];
      await new Promise((r) => setTimeout(r, 1100));
      await page.reload();
      assert.equal((await echoed(page)).headers['x-forwarded-groups'], 'eng,ops');
    } finally {
      alice.groups = [...ALICE.groups];
    }
  });
});
