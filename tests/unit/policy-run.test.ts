// Running compiled policies over real RequestContext objects: rule matching, each action's
// effect, interpolation, the response phase, and failing closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy, parsePolicyText, validatePolicy } from '../../main/policy/index.ts';
import type { HttpPolicy, HttpRequestAction, Identity, OpenIdConnectConfig } from '../../main/policy/index.ts';
import { makeCtx, makeRes } from './policy-test-context.ts';

const BOB: Identity = { id: 'u-1', email: 'bob@acme.com', name: 'Bob', groups: ['eng', 'ops'] };
const EVE: Identity = { id: 'u-2', email: 'eve@evil.com', name: 'Eve <script>', groups: [] };

/**
 * Stands in for main/oidc's action (not the code under test here): lets a visitor with an
 * `x-test-user` header in as that identity, answers 302 to everyone else.
 */
function fakeOidc(users: Record<string, Identity>, seen: OpenIdConnectConfig[] = [], closed: string[] = []) {
  return (config: OpenIdConnectConfig): HttpRequestAction => {
    seen.push(config);
    return {
      type: 'openid-connect',
      async run(ctx) {
        await Promise.resolve();
        const user = users[String(ctx.headers['x-test-user'])];
        if (user) ctx.identity = user;
        else ctx.reply({ status: 302, headers: { location: `${config.issuerUrl}authorize` } });
      },
      close: () => closed.push(config.clientId),
    };
  };
}

function policyOf(yaml: string, users: Record<string, Identity> = {}): HttpPolicy {
  return compilePolicy(validatePolicy(parsePolicyText(yaml, 'policy.yaml')), { createOidcAction: fakeOidc(users) });
}

test("ngrok's example: openid-connect, then deny everyone outside @acme.com", async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: openid-connect
        config: { issuer_url: 'https://idp.example/', client_id: app, client_secret: s }
  - expressions:
      - "!actions.ngrok.oidc.identity.email.endsWith('@acme.com')"
    actions:
      - type: deny
`, { bob: BOB, eve: EVE });
  const anon = makeCtx();
  await policy.onRequest(anon);
  assert.equal(anon.replies[0]?.status, 302);

  const bob = makeCtx({ headers: { 'x-test-user': 'bob' } });
  await policy.onRequest(bob);
  assert.equal(bob.replied, false);
  assert.equal(bob.identity?.email, 'bob@acme.com');

  const eve = makeCtx({ headers: { 'x-test-user': 'eve' } });
  await policy.onRequest(eve);
  assert.equal(eve.replies[0]?.status, 403);
});

test('identity variables are empty before openid-connect runs, so such a rule denies', async () => {
  const policy = policyOf(`on_http_request:
  - expressions: ["!actions.ngrok.oidc.identity.email.endsWith('@acme.com')"]
    actions: [{ type: deny, config: { status_code: 401 } }]
`);
  const ctx = makeCtx({ identity: undefined });
  await policy.onRequest(ctx);
  assert.equal(ctx.replies[0]?.status, 401);
});

test('a rule runs only when all its expressions are true; rules run in order', async () => {
  const policy = policyOf(`on_http_request:
  - expressions:
      - "req.method == 'POST'"
      - "req.url.path.startsWith('/admin')"
    actions:
      - type: custom-response
        config: { status_code: 405, body: no }
  - expressions: ["'x-debug' in req.headers && req.query_params['v'][0] == '2'"]
    actions:
      - type: add-headers
        config: { headers: { x-matched: debug } }
  - expressions: ["conn.client_ip == '10.1.2.3' && req.url.query == 'v=2&w' && req.host == 'app.localhost:8080' && req.url.host == 'app.localhost'"]
    actions:
      - type: add-headers
        config: { headers: { x-matched: conn } }
`);
  const getAdmin = makeCtx({ method: 'GET', url: 'http://app.localhost:8080/admin' });
  await policy.onRequest(getAdmin);
  assert.equal(getAdmin.replied, false);
  assert.equal(getAdmin.headers['x-matched'], undefined);

  const postAdmin = makeCtx({ method: 'POST', url: 'http://app.localhost:8080/admin/x' });
  await policy.onRequest(postAdmin);
  assert.equal(postAdmin.replies[0]?.status, 405);

  const both = makeCtx({ url: 'http://app.localhost:8080/?v=2&w', headers: { 'x-debug': '1' }, clientIp: '10.1.2.3' });
  await policy.onRequest(both);
  assert.deepEqual(both.headers['x-matched'], ['debug', 'conn']);
});

test('the first reply ends the request phase: later actions and rules do not run', async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: deny
      - type: add-headers
        config: { headers: { x-after: "1" } }
  - actions:
      - type: custom-response
        config: { body: never }
`);
  const ctx = makeCtx();
  await policy.onRequest(ctx);
  assert.equal(ctx.replies.length, 1);
  assert.equal(ctx.replies[0]?.status, 403);
  assert.equal(ctx.headers['x-after'], undefined);
});

test('add-headers appends lower-case headers with interpolated identity; remove-headers removes', async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: openid-connect
        config: { issuer_url: 'https://idp.example/', client_id: app, client_secret: s }
      - type: remove-headers
        config: { headers: [X-Secret, Cookie] }
      - type: add-headers
        config:
          headers:
            X-User-Email: "\${actions.ngrok.oidc.identity.email}"
            x-groups: "\${actions.ngrok.oidc.identity.groups}"
            x-who: "\${actions.ngrok.oidc.identity.name} via \${req.method} \${req.url.path} from \${conn.client_ip}"
            accept: "text/html"
`, { bob: BOB });
  const ctx = makeCtx({ url: 'http://app.localhost:8080/p?q=1', headers: { 'x-test-user': 'bob', 'x-secret': 'k', cookie: 'a=b', accept: '*/*' } });
  await policy.onRequest(ctx);
  assert.equal(ctx.replied, false);
  assert.equal(ctx.headers['x-user-email'], 'bob@acme.com');
  assert.equal(ctx.headers['x-groups'], 'eng,ops');
  assert.equal(ctx.headers['x-who'], 'Bob via GET /p from 127.0.0.1');
  assert.deepEqual(ctx.headers.accept, ['*/*', 'text/html']);
  assert.equal('x-secret' in ctx.headers, false);
  assert.equal('cookie' in ctx.headers, false);
});

test('interpolated values cannot inject header lines', async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: add-headers
        config: { headers: { x-q: "\${req.query_params['q'][0]}" } }
`);
  const ctx = makeCtx({ url: 'http://app.localhost:8080/?q=a%0D%0ASet-Cookie:%20x=1%00' });
  await policy.onRequest(ctx);
  assert.equal(ctx.headers['x-q'], 'aSet-Cookie: x=1');
});

test('deny: 403 by default, or the configured status', async () => {
  for (const [config, status] of [['', 403], ['\n        config: { status_code: 404 }', 404]] as const) {
    const ctx = makeCtx();
    await policyOf(`on_http_request:\n  - actions:\n      - type: deny${config}\n`).onRequest(ctx);
    assert.equal(ctx.replies[0]?.status, status);
    assert.match(String(ctx.replies[0]?.body), new RegExp(`^${status} `));
  }
});

test('custom-response: status, headers, interpolated body; HTML bodies escape interpolated values', async () => {
  const policy = policyOf(`on_http_request:
  - expressions: ["req.url.path == '/text'"]
    actions:
      - type: custom-response
        config:
          status_code: 418
          headers: { x-teapot: "yes \${req.method}" }
          body: "hello \${req.url.query}"
  - expressions: ["req.url.path == '/html'"]
    actions:
      - type: custom-response
        config:
          content: "<p>Hi \${req.query_params['n'][0]}</p>"
`);
  const text = makeCtx({ url: 'http://app.localhost:8080/text?<b>' });
  await policy.onRequest(text);
  assert.deepEqual(text.replies[0], {
    status: 418,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-teapot': 'yes GET' },
    body: 'hello %3Cb%3E',
  });
  const html = makeCtx({ url: 'http://app.localhost:8080/html?n=%3Cscript%3E' });
  await policy.onRequest(html);
  assert.equal(html.replies[0]?.status, 200);
  assert.equal(html.replies[0]?.headers?.['content-type'], 'text/html; charset=utf-8');
  assert.equal(html.replies[0]?.body, '<p>Hi &lt;script&gt;</p>');
});

test('redirect: from/to with groups, plain targets, status codes, and no loop to the same URL', async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: redirect
        config:
          from: "^http://([^/]+)/old/(.*)$"
          to: "https://$1/new/$2?by=\${req.query_params['by'][0]}"
          status_code: 301
          headers: { x-redirected: "1" }
  - expressions: ["req.url.path == '/home'"]
    actions:
      - type: redirect
        config: { to: "/welcome" }
  - expressions: ["req.url.path == '/same'"]
    actions:
      - type: redirect
        config: { to: "\${req.url.raw}" }
`);
  const old = makeCtx({ url: 'http://app.localhost:8080/old/a/b?by=$1' });
  await policy.onRequest(old);
  assert.deepEqual(old.replies[0], {
    status: 301,
    // `$1` arriving in the query is text, not a group reference.
    headers: { location: 'https://app.localhost:8080/new/a/b?by=$1?by=$1', 'x-redirected': '1' },
  });
  const home = makeCtx({ url: 'http://app.localhost:8080/home' });
  await policy.onRequest(home);
  assert.deepEqual(home.replies[0], { status: 302, headers: { location: '/welcome' } });
  const same = makeCtx({ url: 'http://app.localhost:8080/same' });
  await policy.onRequest(same);
  assert.equal(same.replied, false);
});

test('restrict-ips: IPv4 and IPv6 CIDRs, IPv4-mapped clients, deny wins, junk is refused', async () => {
  const policy = policyOf(`on_http_request:
  - actions:
      - type: restrict-ips
        config:
          allow: [10.0.0.0/8, "2001:db8::/32", 192.168.1.7]
          deny: [10.9.0.0/16, "2001:db8:bad::/48"]
`);
  const cases: [string, boolean][] = [
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['10.9.1.1', false],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['2001:db8::1', true],
    ['2001:DB8:1::1', true],
    ['2001:db8:bad::1', false],
    ['2001:db9::1', false],
    ['fe80::1%eth0', false],
    ['not-an-ip', false],
    ['', false],
  ];
  for (const [ip, allowed] of cases) {
    const ctx = makeCtx({ clientIp: ip });
    await policy.onRequest(ctx);
    assert.equal(!ctx.replied, allowed, `${ip} should be ${allowed ? 'allowed' : 'denied'}`);
    if (!allowed) assert.equal(ctx.replies[0]?.status, 403);
  }
  const denyOnly = policyOf('on_http_request:\n  - actions:\n      - type: restrict-ips\n        config: { deny: ["::/0"] }\n');
  const v4 = makeCtx({ clientIp: '1.2.3.4' });
  await denyOnly.onRequest(v4);
  assert.equal(v4.replied, false, '::/0 does not cover IPv4 clients');
  const v6 = makeCtx({ clientIp: '::1' });
  await denyOnly.onRequest(v6);
  assert.equal(v6.replied, true);
});

test('an expression that fails at request time refuses the request instead of skipping the rule', async () => {
  const policy = policyOf(`on_http_request:
  - expressions: ["req.headers['x-role'][0] != 'admin'"]
    actions: [{ type: deny }]
  - expressions: ["req.method"]
    actions: [{ type: deny }]
`);
  const missing = makeCtx();
  await policy.onRequest(missing);
  assert.equal(missing.replies[0]?.status, 500);
  const admin = makeCtx({ headers: { 'x-role': 'admin' } });
  await policy.onRequest(admin);
  assert.equal(admin.replies[0]?.status, 500, 'a non-bool expression is an error too');
});

test('on_http_response: expressions see res.*, header actions change the response', async () => {
  const policy = policyOf(`on_http_response:
  - actions:
      - type: remove-headers
        config: { headers: [Server, x-powered-by] }
      - type: add-headers
        config: { headers: { x-status: "\${res.status_code}", x-path: "\${req.url.path}" } }
  - expressions: ["res.status_code >= 500 && res.headers['content-type'][0].startsWith('text/')"]
    actions:
      - type: add-headers
        config: { headers: { x-error: "yes" } }
`);
  const ctx = makeCtx({ url: 'http://app.localhost:8080/x' });
  await policy.onRequest(ctx);
  const ok = makeRes(200, { Server: 'express', 'x-powered-by': 'Express', 'content-type': 'text/html' });
  policy.onResponse(ctx, ok);
  assert.deepEqual(ok.headers, { 'content-type': 'text/html', 'x-status': '200', 'x-path': '/x' });
  const bad = makeRes(503, { 'content-type': 'text/plain' });
  policy.onResponse(ctx, bad);
  assert.equal(bad.headers['x-error'], 'yes');
});

test('compile passes each openid-connect config to main/oidc once, and close() reaches it', async () => {
  const seen: OpenIdConnectConfig[] = [];
  const closed: string[] = [];
  const policy = compilePolicy(
    validatePolicy({ on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'https://idp.example/', client_id: 'one' } }] }] }),
    { createOidcAction: fakeOidc({ bob: BOB }, seen, closed) },
  );
  for (let i = 0; i < 3; i++) await policy.onRequest(makeCtx({ headers: { 'x-test-user': 'bob' } }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.clientId, 'one');
  policy.close();
  assert.deepEqual(closed, ['one']);
});

test('the signed-in shortcut is offered only when the whole policy is one unconditional openid-connect action', () => {
  const calls: string[][] = [];
  const withShortcut = (config: OpenIdConnectConfig): HttpRequestAction => ({
    ...fakeOidc({})(config),
    admitFlat: (headers) => (calls.push(headers), { setCookie: null }),
  });
  const compile = (yaml: string) => compilePolicy(validatePolicy(parsePolicyText(yaml, 'policy.yaml')), { createOidcAction: withShortcut });
  const oidc = `{ type: openid-connect, config: { issuer_url: 'https://idp.example/', client_id: app } }`;

  const alone = compile(`on_http_request:\n  - actions: [${oidc}]`);
  assert.deepEqual(alone.admitSignedIn?.(['cookie', 'x=1']), { setCookie: null });
  assert.deepEqual(calls, [['cookie', 'x=1']], "the shortcut is the action's own");

  // Anything that must still see the request (or the response) keeps the full policy run.
  for (const yaml of [
    `on_http_request:\n  - actions: [${oidc}, { type: deny }]`,
    `on_http_request:\n  - actions: [${oidc}]\n  - actions: [{ type: deny }]`,
    `on_http_request:\n  - expressions: ["req.method == 'GET'"]\n    actions: [${oidc}]`,
    `on_http_request:\n  - actions: [${oidc}]\non_http_response:\n  - actions: [{ type: add-headers, config: { headers: { x-a: b } } }]`,
    `on_http_request:\n  - actions: [{ type: deny }]`,
  ])
    assert.equal(compile(yaml).admitSignedIn, undefined, yaml);
});
