// The openid-connect gate without a browser: what visitors without a session get (redirect vs
// 401), CORS preflights, reserved paths, sessions across an edge restart, idle/absolute limits,
// rolling cookies, and discovery errors — against a real IdP over HTTPS.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../main/common/log.ts';
import { createOidcService } from '../../main/oidc/index.ts';
import { configFingerprint } from '../../main/oidc/context.ts';
import { createSealer } from '../../main/oidc/seal.ts';
import { nowSec, sealSession, sessionFromIdentity, type SessionData } from '../../main/oidc/session.ts';
import type { Identity, OpenIdConnectConfig, TunnelRef } from '../../main/policy/types.ts';
import { startIdp, type TestIdp } from '../support/idp.ts';
import { oidcConfig, startOidcTestEdge, type OidcTestEdge } from '../support/oidc-edge.ts';
import { makeTestTls, type TestTls } from '../support/tls.ts';

let tls: TestTls;
let idp: TestIdp;
let edge: OidcTestEdge;
let config: OpenIdConnectConfig;
const sessionKey = randomBytes(32);

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** `raw`: headers as names and values alternating, sent as they are (repeated names stay separate lines). */
function request(host: string, path: string, opts: { method?: string; headers?: Record<string, string>; raw?: string[] } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: edge.port, path, method: opts.method ?? 'GET', headers: opts.raw ? ['host', host, ...opts.raw] : { host, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const host = (name: string) => `${name}.localhost:${edge.port}`;

function sessionCookie(tunnel: string, over: Partial<SessionData> = {}, key = sessionKey): string {
  const now = nowSec();
  const s = sessionFromIdentity(
    { id: 'u-1', email: 'dana@example.com', emailVerified: true, preferredUsername: 'dana', groups: ['eng'] },
    configFingerprint(config),
    now,
  );
  const value = sealSession(createSealer(key), host(tunnel), '__gatehouse_session', { ...s, ...over });
  return `__gatehouse_session=${value}`;
}

before(async () => {
  tls = await makeTestTls();
  edge = await startOidcTestEdge({ sessionKey, fetchCa: tls.caPem });
  idp = await startIdp({
    tls,
    users: [],
    clients: [{ clientId: 'gate-client', clientSecret: 'gate-secret', redirectUris: [edge.service.callbackUrl] }],
  });
  config = oidcConfig({ issuerUrl: idp.issuer, clientId: 'gate-client', clientSecret: 'gate-secret' });
  await edge.addTunnel('app1', config);
  await edge.addTunnel('cors', { ...config, allowCorsPreflight: true });
});

after(async () => {
  await edge?.close();
  await idp?.stop();
  await tls?.cleanup();
});

describe('visitors without a session', { timeout: 60_000 }, () => {
  test('a page load is redirected to the IdP with state, nonce, PKCE S256 and the central redirect URI', async () => {
    const res = await request(host('app1'), '/deep?x=1');
    assert.equal(res.status, 302);
    const loc = new URL(res.headers.location!);
    assert.equal(loc.origin + '/', idp.issuer);
    const q = loc.searchParams;
    assert.equal(q.get('client_id'), 'gate-client');
    assert.equal(q.get('redirect_uri'), `http://localhost:${edge.port}/oauth2/callback`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('nonce') ?? '').length >= 32);
    assert.ok((q.get('state') ?? '').length > 100, 'sealed transaction in state');
    const txn = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('__gatehouse_txn='));
    assert.ok(txn, 'txn cookie binds the browser');
    assert.match(txn, /HttpOnly/);
    assert.match(txn, /SameSite=Lax/);
    assert.doesNotMatch(txn, /Secure/);
  });

  test('a login started in a second tab keeps the first one pending (both ids in the txn cookie)', async () => {
    const txnOf = (res: Res) => {
      const line = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('__gatehouse_txn='));
      assert.ok(line, 'txn cookie set');
      return line.slice('__gatehouse_txn='.length).split(';')[0]!;
    };
    const first = txnOf(await request(host('app1'), '/tab-one'));
    const second = txnOf(await request(host('app1'), '/tab-two', { headers: { cookie: `__gatehouse_txn=${first}` } }));
    const ids = second.split('.');
    assert.equal(ids.length, 2, `both logins pending: ${second}`);
    assert.equal(ids[0], first);
  });

  test('non-GET, JSON, XHR, CORS fetches and upgrades get 401; none reaches the app', async () => {
    const before = edge.appRequests.length;
    const cases: Array<{ method?: string; headers?: Record<string, string> }> = [
      { method: 'POST' },
      { method: 'DELETE' },
      { headers: { accept: 'application/json' } },
      { headers: { 'x-requested-with': 'XMLHttpRequest' } },
      { headers: { 'sec-fetch-mode': 'cors', origin: 'http://other.localhost' } },
      { headers: { 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'image' } },
      { method: 'OPTIONS', headers: { origin: 'http://x.localhost', 'access-control-request-method': 'PUT' } },
    ];
    for (const c of cases) {
      const res = await request(host('app1'), '/api/thing', c);
      assert.equal(res.status, 401, JSON.stringify(c));
      assert.equal(res.headers.location, undefined);
    }
    const json = await request(host('app1'), '/api/thing?a=1', { headers: { accept: 'application/json' } });
    assert.deepEqual(JSON.parse(json.body), {
      error: 'unauthenticated',
      login_url: '/.gatehouse/login?redirect_path=%2Fapi%2Fthing%3Fa%3D1',
    });
    const upgrade = await rawUpgrade(host('app1'), '');
    assert.match(upgrade, /^HTTP\/1\.1 401 /);
    assert.equal(edge.appRequests.length, before);
  });

  test('allow_cors_preflight lets an OPTIONS preflight through, without identity', async () => {
    const res = await request(host('cors'), '/api', {
      method: 'OPTIONS',
      headers: { origin: 'http://x.localhost', 'access-control-request-method': 'PUT', 'x-forwarded-user': 'forged' },
    });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body) as { method: string; headers: Record<string, string> };
    assert.equal(seen.method, 'OPTIONS');
    assert.equal(seen.headers['x-forwarded-user'], undefined, 'forged identity stripped even on preflight');
    // A plain OPTIONS (no preflight headers) still needs a session.
    assert.equal((await request(host('cors'), '/api', { method: 'OPTIONS' })).status, 401);
  });

  test('reserved paths are answered by Gatehouse in any spelling and never forwarded', async () => {
    const before = edge.appRequests.length;
    for (const p of ['/.gatehouse/nope', '/.GateHouse/login', '/%2Egatehouse/login', '/.gatehouse/handoff']) {
      const res = await request(host('app1'), p);
      assert.ok([400, 404].includes(res.status), `${p} → ${res.status}`);
    }
    const handoff = await request(host('app1'), '/.gatehouse/handoff?token=garbage', { headers: { cookie: sessionCookie('app1') } });
    assert.equal(handoff.status, 400);
    assert.equal(edge.appRequests.length, before);
  });
});

describe('sessions', { timeout: 60_000 }, () => {
  test('a valid session passes with identity headers; forged copies and Gatehouse cookies are removed', async () => {
    const res = await request(host('app1'), '/me', {
      headers: {
        cookie: `a=1; ${sessionCookie('app1')}; __gatehouse_txn=x; b=2`,
        'X-Forwarded-Email': 'forged@evil.test',
        'x_forwarded_email': 'forged2@evil.test',
        'X_FORWARDED_GROUPS': 'admin',
        'x-forwarded-preferred_username': 'root',
      },
    });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-forwarded-email'], 'dana@example.com');
    assert.equal(seen.headers['x-forwarded-user'], 'u-1');
    assert.equal(seen.headers['x-forwarded-groups'], 'eng');
    assert.equal(seen.headers['x-forwarded-preferred-username'], 'dana');
    assert.equal(seen.headers['cookie'], 'a=1; b=2');
    assert.ok(!Object.keys(seen.headers).some((k) => k.includes('_')));
    assert.ok(!res.body.includes('forged') && !res.body.includes('admin') && !res.body.includes('root'));
  });

  test('a session in the second of two Cookie lines passes; Gatehouse cookies leave both lines', async () => {
    const res = await request(host('app1'), '/me', {
      raw: ['cookie', 'a=1; __gatehouse_txn=x', 'Cookie', `${sessionCookie('app1')}; b=2`],
    });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body) as { headers: Record<string, string> };
    assert.equal(seen.headers['x-forwarded-email'], 'dana@example.com');
    assert.equal(seen.headers['cookie'], 'a=1; b=2');
  });

  test('an upgrade with a session passes the gate', async () => {
    // The echo app has no WebSocket server, so it answers the upgrade request as a plain one:
    // what matters is that it arrived, with the visitor's identity.
    const answer = await rawUpgrade(host('app1'), sessionCookie('app1'));
    assert.match(answer, /^HTTP\/1.1 200/);
    const seen = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/ws');
    assert.equal(seen.headers.upgrade, 'websocket');
    assert.equal(seen.headers['x-forwarded-email'], 'dana@example.com');
  });

  test('sessions survive an edge restart with the persisted key, and not with another key', async () => {
    const restarted = createOidcService({ sessionKey, edgeBaseUrl: edge.baseUrl, log: silentLogger, fetchCa: tls.caPem });
    const tunnel: TunnelRef = { name: 'app1', hostname: host('app1'), publicUrl: `http://${host('app1')}` };
    const action = restarted.createAction(config, tunnel);
    try {
      const ctx = fakeContext(tunnel, sessionCookie('app1'));
      await action.run(ctx);
      assert.equal(ctx.replied, false);
      assert.equal(ctx.identity?.email, 'dana@example.com');
      const foreign = fakeContext(tunnel, sessionCookie('app1', {}, randomBytes(32)));
      foreign.headers['accept'] = 'application/json';
      await action.run(foreign);
      assert.equal(foreign.replied, true);
      assert.equal(foreign.identity, undefined);
    } finally {
      action.close?.();
    }
  });

  test('idle and absolute limits end a session; a stale-but-valid one is rolled', async () => {
    const now = nowSec();
    const idle = sessionCookie('app1', { last: now - config.idleSessionDurationSec - 1 });
    assert.equal((await request(host('app1'), '/', { headers: { cookie: idle } })).status, 302);
    const old = sessionCookie('app1', { iat: now - config.maxSessionDurationSec - 1, last: now });
    assert.equal((await request(host('app1'), '/', { headers: { cookie: old } })).status, 302);

    const staleCookie = sessionCookie('app1', { last: now - 600 });
    const stale = await request(host('app1'), '/', { headers: { cookie: staleCookie } });
    assert.equal(stale.status, 200);
    const cookies = [stale.headers['set-cookie'] ?? []].flat();
    assert.ok(cookies.includes('app_cookie=1; Path=/'), "the app's own cookie kept");
    const rolled = cookies.find((c) => c.startsWith('__gatehouse_session='));
    assert.ok(rolled, 'rolled session cookie');
    assert.match(rolled, /Max-Age=86\d{3}/);
    const rolledValue = rolled.slice(0, rolled.indexOf(';'));
    assert.equal((await request(host('app1'), '/', { headers: { cookie: rolledValue } })).status, 200, 'the rolled cookie opens');
    // A client that keeps sending the stale cookie keeps being told the new one; within the
    // same second it is the same sealed value (sealed once, not per request).
    let prev: { line: string; sec: number } | null = null;
    let compared = 0;
    for (let i = 0; i < 10 && compared < 2; i++) {
      const before = nowSec();
      const again = await request(host('app1'), '/', { headers: { cookie: staleCookie } });
      const line = [again.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('__gatehouse_session='));
      assert.ok(line, 'still rolled');
      const sec = nowSec() === before ? before : -1; // -1: the request straddled a second
      if (prev && sec >= 0 && prev.sec === sec) {
        assert.equal(line, prev.line);
        compared++;
      }
      prev = { line, sec };
    }
    assert.ok(compared > 0, 'two requests fell within one second');
    const fresh = await request(host('app1'), '/', { headers: { cookie: sessionCookie('app1') } });
    assert.ok(![fresh.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('__gatehouse_session=')), 'no write per request');
  });
});

describe('discovery', { timeout: 60_000 }, () => {
  const tunnel: TunnelRef = { name: 'd', hostname: 'd.localhost:1', publicUrl: 'http://d.localhost:1' };

  test('ready() names the issuer URL and the cause', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const notIdp = https.createServer({ key: tls.key, cert: tls.cert }, (_q, s) => s.writeHead(404).end('no'));
    await new Promise<void>((r) => notIdp.listen(0, '127.0.0.1', r));
    const notIdpUrl = `https://127.0.0.1:${(notIdp.address() as AddressInfo).port}/`;
    try {
      const cases: Array<[string, RegExp]> = [
        [`https://127.0.0.1:${deadPort}/`, /unreachable \(connection refused\)/],
        [notIdpUrl, /not an OpenID Connect issuer .*HTTP 404/],
        [`https://localhost:${idp.port}/`, /issuer mismatch/],
      ];
      for (const [issuerUrl, cause] of cases) {
        const action = edge.service.createAction({ ...config, issuerUrl }, tunnel);
        await assert.rejects(action.ready(), (err: Error) => {
          assert.ok(err.message.startsWith(`OIDC issuer ${issuerUrl}: `), err.message);
          assert.match(err.message, cause);
          return true;
        });
        action.close?.();
      }
      // Without the test CA the IdP's certificate is not trusted.
      const untrusting = createOidcService({ sessionKey, edgeBaseUrl: edge.baseUrl, log: silentLogger });
      await assert.rejects(untrusting.createAction(config, tunnel).ready(), /TLS certificate not trusted/);
    } finally {
      notIdp.close();
    }
  });
});

function fakeContext(tunnel: TunnelRef, cookie: string) {
  let replied = false;
  const ctx = {
    method: 'GET',
    target: '/x',
    url: new URL('/x', tunnel.publicUrl),
    headers: { cookie, host: tunnel.hostname } as Record<string, string>,
    clientIp: '127.0.0.1',
    isUpgrade: false,
    tunnel,
    identity: undefined as Identity | undefined,
    responseHeaders: {},
    reply() {
      replied = true;
    },
    get replied() {
      return replied;
    },
  };
  return ctx;
}

function rawUpgrade(hostHeader: string, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: edge.port,
      path: '/ws',
      headers: {
        host: hostHeader,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...(cookie ? { cookie } : {}),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n\r\n${body}`));
    });
    req.on('upgrade', () => reject(new Error('unexpected upgrade')));
    req.on('error', reject);
    req.end();
  });
}
