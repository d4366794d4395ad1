// `--oidc*` flags as a policy, and how they combine with a policy file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPolicy, mergeOidcFlags, openIdConnectConfigs, policyFromOidcFlags, PolicyError, validatePolicy, checkOidcFlags } from '../../main/policy/index.ts';

const FLAGS = { issuer: 'https://oauth.id.jumpcloud.com/', clientId: 'ID', clientSecret: 'SECRET' };

test('the seed\'s CLI flags mean one openid-connect action with the same config as its policy.yaml', () => {
  const doc = policyFromOidcFlags(FLAGS);
  assert.deepEqual(doc, {
    on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'https://oauth.id.jumpcloud.com/', client_id: 'ID', client_secret: 'SECRET' } }] }],
  });
  const [config] = openIdConnectConfigs(validatePolicy(doc));
  assert.equal(config?.tokenEndpointAuthMethod, 'client_secret_basic');
  assert.deepEqual(config?.scopes, ['openid', 'profile', 'email']);
});

test('scopes, allow-lists and auth method flags carry over (basic/post short forms)', () => {
  const [config] = openIdConnectConfigs(validatePolicy(policyFromOidcFlags({
    ...FLAGS, scopes: ['openid', 'groups'], allowEmails: ['a@x.com'], allowDomains: ['acme.com'], allowGroups: ['eng'], authMethod: 'post',
  })));
  assert.deepEqual(config?.scopes, ['openid', 'groups']);
  assert.deepEqual(config?.allow, { emails: ['a@x.com'], domains: ['acme.com'], groups: ['eng'] });
  assert.equal(config?.tokenEndpointAuthMethod, 'client_secret_post');
});

test("the app's Groups claim setting reaches the action; the default adds nothing", () => {
  const [custom] = openIdConnectConfigs(validatePolicy(policyFromOidcFlags({ ...FLAGS, groupsClaim: 'memberOf' })));
  assert.equal(custom?.groupsClaim, 'memberOf');
  assert.deepEqual(policyFromOidcFlags({ ...FLAGS, groupsClaim: 'groups' }), policyFromOidcFlags(FLAGS));
});

test('flags and a policy with its own openid-connect action are refused, clearly', () => {
  const doc = { on_http_request: [{ actions: [{ type: 'openid-connect', config: { issuer_url: 'https://i/', client_id: 'x' } }] }] };
  assert.throws(() => mergeOidcFlags(doc, FLAGS, 'policy.yaml'), (e: unknown) => {
    assert.ok(e instanceof PolicyError);
    assert.equal(e.message, '--oidc flags and an openid-connect action in policy.yaml: use one or the other');
    return true;
  });
});

test('otherwise the flags\' action goes first, so the policy\'s rules see the identity', () => {
  const doc = { on_http_request: [{ expressions: ["!actions.ngrok.oidc.identity.email.endsWith('@acme.com')"], actions: [{ type: 'deny' }] }], on_http_response: [] };
  const merged = mergeOidcFlags(doc, FLAGS);
  const rules = merged.on_http_request as { actions: { type: string }[] }[];
  assert.deepEqual(rules.map((r) => r.actions[0]?.type), ['openid-connect', 'deny']);
  assert.equal((doc.on_http_request as unknown[]).length, 1, 'the input is not changed');
  assert.deepEqual(mergeOidcFlags(doc, undefined), doc);
  validatePolicy(merged);
});

test('bad flags are reported by flag name', () => {
  assert.throws(() => checkOidcFlags({ issuer: 'http://idp.example/', clientId: ' ', authMethod: 'basic' }), (e: unknown) => {
    assert.ok(e instanceof PolicyError);
    assert.deepEqual(e.message.split('\n'), [
      '--oidc must be an https URL (http is allowed only for localhost, 127.0.0.1 and [::1])',
      '--oidc-client-id must not be empty',
      '--oidc-auth-method client_secret_basic needs client_secret',
    ]);
    return true;
  });
});

test('loadPolicy: file errors keep their lines, flags merge, the document is what the edge gets', () => {
  const text = 'on_http_request:\n  - expressions: ["req.url.path.startsWith(\'/admin\')"]\n    actions:\n      - type: deny\n';
  const loaded = loadPolicy({ file: 'policy.yaml', text, flags: FLAGS });
  assert.equal(loaded.policy.onHttpRequest.length, 2);
  const atEdge = validatePolicy(JSON.parse(JSON.stringify(loaded.document)));
  assert.deepEqual(openIdConnectConfigs(atEdge), openIdConnectConfigs(loaded.policy));
  assert.deepEqual(atEdge.onHttpRequest.map((r) => r.expressions.map((e) => e.source)), [[], ["req.url.path.startsWith('/admin')"]]);
  assert.throws(() => loadPolicy({ file: 'policy.yaml', text: text.replace('deny', 'dney'), flags: FLAGS }), /^PolicyError: policy\.yaml line 4: /);
  assert.equal(loadPolicy({ flags: FLAGS }).policy.onHttpRequest.length, 1);
});
