// Parsing and validating policy files: the seed's policy.yaml, defaults, and errors that name
// the file, the line and the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PolicyError, openIdConnectConfigs, parsePolicyText, validatePolicy } from '../../main/policy/index.ts';
import type { OpenIdConnectConfig, ValidatedPolicy } from '../../main/policy/index.ts';

const SEED = readFileSync(new URL('../../../shared/seeds/000_caa2fa76c5c674cf.txt', import.meta.url), 'utf8');
const SEED_POLICY = (/```yaml[^\n]*\n([\s\S]*?)```/.exec(SEED) as RegExpExecArray)[1] as string;

function load(text: string, file = 'policy.yaml'): ValidatedPolicy {
  return validatePolicy(parsePolicyText(text, file), { file, text });
}

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PolicyError, `expected PolicyError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a PolicyError');
}

const oidc = (p: ValidatedPolicy): OpenIdConnectConfig => openIdConnectConfigs(p)[0] as OpenIdConnectConfig;

test("the seed's policy.yaml, verbatim, gives the JumpCloud OpenIdConnectConfig", () => {
  assert.match(SEED_POLICY, /type: openid-connect/);
  const policy = load(SEED_POLICY);
  assert.equal(policy.onHttpRequest.length, 1);
  assert.deepEqual(oidc(policy), {
    issuerUrl: 'https://oauth.id.jumpcloud.com/',
    clientId: 'YOUR_JUMPCLOUD_CLIENT_ID',
    clientSecret: 'YOUR_JUMPCLOUD_CLIENT_SECRET',
    scopes: ['openid', 'profile', 'email'],
    authzUrlParams: {},
    maxSessionDurationSec: 7 * 86400,
    idleSessionDurationSec: 86400,
    allowCorsPreflight: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    groupsClaim: 'groups',
    allow: { emails: [], domains: [], groups: [] },
  });
});

test('the same policy as JSON gives the same result', () => {
  const json = JSON.stringify(parsePolicyText(SEED_POLICY, 'policy.yaml'), null, 2);
  assert.deepEqual(oidc(load(json, 'policy.json')), oidc(load(SEED_POLICY)));
});

test('every openid-connect field and Gatehouse extra is read and typed', () => {
  const policy = load(`on_http_request:
  - actions:
      - type: openid-connect
        config:
          issuer_url: http://127.0.0.1:9000/
          client_id: app
          client_secret: s3cret
          scopes: [email, groups]
          auth_id: corp
          authz_url_params: { prompt: login }
          max_session_duration: 1h30m
          idle_session_duration: 900
          userinfo_refresh_interval: 5m
          allow_cors_preflight: true
          token_endpoint_auth_method: client_secret_post
          groups_claim: memberOf
          allow_emails: [Bob@Acme.com]
          allow_domains: [ACME.com]
          allow_groups: [Admins]
`);
  assert.deepEqual(oidc(policy), {
    issuerUrl: 'http://127.0.0.1:9000/',
    clientId: 'app',
    clientSecret: 's3cret',
    scopes: ['openid', 'email', 'groups'],
    authId: 'corp',
    authzUrlParams: { prompt: 'login' },
    maxSessionDurationSec: 5400,
    idleSessionDurationSec: 900,
    userinfoRefreshIntervalSec: 300,
    allowCorsPreflight: true,
    tokenEndpointAuthMethod: 'client_secret_post',
    groupsClaim: 'memberOf',
    allow: { emails: ['bob@acme.com'], domains: ['acme.com'], groups: ['Admins'] },
  });
});

test('a public client (no secret) defaults to auth method none; http works for localhost and [::1]', () => {
  for (const issuer of ['http://localhost:3000', 'http://[::1]:9000/']) {
    const c = oidc(load(`on_http_request:\n  - actions:\n      - type: openid-connect\n        config: { issuer_url: '${issuer}', client_id: x }\n`));
    assert.equal(c.tokenEndpointAuthMethod, 'none');
    assert.equal(c.issuerUrl, issuer);
  }
});

test('a plain http issuer is refused with file, line and field path', () => {
  const text = SEED_POLICY.replace('https://oauth.id.jumpcloud.com/', 'http://oauth.id.jumpcloud.com/');
  const err = errorOf(() => load(text));
  assert.equal(err.issues.length, 1);
  assert.match(err.message, /^policy\.yaml line 5: on_http_request\[0\]\.actions\[0\]\.config\.issuer_url must be an https URL/);
  assert.equal(err.issues[0]?.line, 5);
});

test('malformed YAML names the file and line', () => {
  const err = errorOf(() => parsePolicyText('on_http_request:\n  - actions:\n      - type: "deny\n', 'p.yaml'));
  assert.equal(err.issues[0]?.file, 'p.yaml');
  assert.equal(typeof err.issues[0]?.line, 'number');
  assert.match(err.message, /^p\.yaml line \d+: /);
  const dup = errorOf(() => parsePolicyText('on_http_request: []\non_http_request: []\n', 'p.yaml'));
  assert.match(dup.message, /p\.yaml line 2: .*unique/);
});

test('an unknown action type is an error with a suggestion; unsupported ngrok actions say so', () => {
  const err = errorOf(() => load('on_http_request:\n  - actions:\n      - type: openid-conect\n      - type: rate-limit\n'));
  assert.equal(err.issues.length, 2);
  assert.equal(err.issues[0]?.message, "'openid-conect' is not a known action type (did you mean 'openid-connect'?)");
  assert.equal(err.issues[0]?.path, 'on_http_request[0].actions[0].type');
  assert.equal(err.issues[0]?.line, 3);
  assert.match(err.issues[1]?.message ?? '', /'rate-limit' is an ngrok action that Gatehouse does not support/);
  assert.equal(err.issues[1]?.line, 4);
});

test('unknown or misspelled fields are errors at their own line, at every level', () => {
  const text = `on_http_request:
  - name: r
    expresions: ["true"]
    actions:
      - type: openid-connect
        config:
          issuer_url: https://idp.example/
          client_id: x
          clien_secret: y
        extra: 1
on_tcp_connect: []
`;
  const err = errorOf(() => load(text));
  const byPath = new Map(err.issues.map((i) => [i.path, i]));
  assert.deepEqual([...byPath.keys()].sort(), [
    'on_http_request[0].actions[0].config.clien_secret',
    'on_http_request[0].actions[0].extra',
    'on_http_request[0].expresions',
    'on_tcp_connect',
  ]);
  assert.equal(byPath.get('on_http_request[0].actions[0].config.clien_secret')?.line, 9);
  assert.match(byPath.get('on_http_request[0].actions[0].config.clien_secret')?.message ?? '', /did you mean 'client_secret'/);
  assert.match(byPath.get('on_http_request[0].expresions')?.message ?? '', /did you mean 'expressions'/);
  assert.equal(byPath.get('on_http_request[0].expresions')?.line, 3);
  assert.equal(byPath.get('on_http_request[0].actions[0].extra')?.line, 10);
  assert.equal(byPath.get('on_tcp_connect')?.line, 11);
});

test('bad CEL is reported at load time with its line and column', () => {
  const text = `on_http_request:
  - expressions:
      - "req.url.path.startsWith('/admin')"
      - "req.method =="
      - "req.url.pth == '/'"
      - "actions.ngrok.oidc.identity.email.endsWth('@acme.com')"
    actions:
      - type: deny
`;
  const err = errorOf(() => load(text));
  assert.deepEqual(err.issues.map((i) => [i.line, i.path]), [
    [4, 'on_http_request[0].expressions[1]'],
    [5, 'on_http_request[0].expressions[2]'],
    [6, 'on_http_request[0].expressions[3]'],
  ]);
  assert.match(err.issues[0]?.message ?? '', /^is not valid CEL: .*column 12/);
  assert.match(err.issues[1]?.message ?? '', /unknown variable 'req\.url\.pth' \(did you mean 'req\.url\.path'\?\)/);
  assert.match(err.issues[2]?.message ?? '', /unknown function 'endsWth'/);
});

test('res.* is only known in on_http_response; interpolations are compiled at load time', () => {
  const err = errorOf(() => load(`on_http_request:
  - expressions: ["res.status_code == 200"]
    actions:
      - type: add-headers
        config:
          headers:
            x-user: "\${actions.ngrok.oidc.identity.mail}"
            x-open: "\${req.url.path"
`));
  assert.equal(err.issues.length, 3);
  assert.match(err.issues[0]?.message ?? '', /res is only available in on_http_response/);
  assert.equal(err.issues[1]?.line, 7);
  assert.match(err.issues[1]?.message ?? '', /identity\.mail/);
  assert.match(err.issues[2]?.message ?? '', /unclosed/);
  load('on_http_response:\n  - expressions: ["res.status_code >= 400"]\n    actions:\n      - type: remove-headers\n        config: { headers: [server] }\n');
});

test('wrong types and values are named, and every problem is collected', () => {
  const err = errorOf(() => load(`on_http_request:
  - actions:
      - type: deny
        config: { status_code: "403" }
      - type: add-headers
        config: { headers: { x-count: 1, "bad name": v, content-length: "3" } }
      - type: restrict-ips
        config: { allow: [10.0.0.0/8, 300.1.1.1, "fe80::/129"] }
      - type: redirect
        config: { from: "([", status_code: 200 }
      - type: openid-connect
        config:
          issuer_url: https://idp.example/
          client_id: x
          max_session_duration: 5 days
          authz_url_params: { state: x }
          allow_emails: ["a@b@c"]
          token_endpoint_auth_method: client_secret_basic
on_http_response:
  - actions:
      - type: deny
`));
  const messages = err.issues.map((i) => `${i.path} ${i.message}`);
  const expect = [
    /actions\[0\]\.config\.status_code must be an integer from 200 to 599/,
    /headers\.x-count must be a string \(put it in quotes\)/,
    /headers\.bad name is not a valid header name/,
    /headers\.content-length cannot be changed by a policy/,
    /allow\[1\] is not an IPv4 or IPv6 address or CIDR/,
    /allow\[2\] is not an IPv4 or IPv6 address or CIDR/,
    /config\.from is not a valid regular expression/,
    /config\.to is required/,
    /config\.status_code must be an integer from 300 to 399/,
    /max_session_duration must be a duration/,
    /authz_url_params\.state is set by the login flow/,
    /allow_emails\[0\] is not an email address/,
    /token_endpoint_auth_method client_secret_basic needs client_secret/,
    /on_http_response\[0\]\.actions\[0\]\.type 'deny' cannot run in on_http_response/,
  ];
  for (const re of expect) assert.ok(messages.some((m) => re.test(m)), `missing ${re}: ${messages.join('\n')}`);
  assert.equal(messages.length, expect.length, messages.join('\n'));
});

test('secrets are never echoed in messages', () => {
  const err = errorOf(() => load(`on_http_request:
  - actions:
      - type: openid-connect
        config: { issuer_url: "https://idp.example/", client_id: x, client_secret: 12345678, scopes: "hunter2" }
`));
  assert.doesNotMatch(err.message, /12345678|hunter2/);
  assert.match(err.message, /client_secret must be a string/);
});

test('the edge re-validates a plain object: field paths, no file or line', () => {
  const doc = { on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'ftp://x', client_id: 'a' } }] }] };
  const err = errorOf(() => validatePolicy(doc));
  assert.equal(err.message, 'on_http_request[0].actions[0].config.issuer_url must be an https URL (http is allowed only for localhost, 127.0.0.1 and [::1])');
  assert.equal(err.issues[0]?.line, undefined);
  const proto = JSON.parse('{"on_http_request":[{"actions":[{"type":"add-headers","config":{"headers":{"__proto__":"x"}}}]}]}') as unknown;
  assert.match(errorOf(() => validatePolicy(proto)).message, /__proto__ is not a valid header name/);
  assert.match(errorOf(() => validatePolicy([])).message, /must be a map with on_http_request/);
});

test('an empty file is an empty policy; a rule needs actions', () => {
  assert.deepEqual(load(''), { onHttpRequest: [], onHttpResponse: [] });
  assert.deepEqual(load('# nothing yet\n'), { onHttpRequest: [], onHttpResponse: [] });
  assert.match(errorOf(() => load('on_http_request:\n  - name: x\n')).message, /line 2: on_http_request\[0\]\.actions is required/);
  assert.match(errorOf(() => load('- a\n- b\n')).message, /policy\.yaml line 1: must be a map/);
});
