// The renderer's input checks and the settings form model: what a user sees before a round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SettingsView } from '../../preload/contract.ts';
import {
  fieldError,
  formFromSettings,
  inputFromForm,
  ssoConfigured,
  unplacedErrors,
  validateSettingsForm,
} from '../../renderer/settings-form.ts';
import {
  splitList,
  validateDomain,
  validateEdgeUrl,
  validateEmail,
  validateHostPort,
  validateIssuerUrl,
  validateLocalAddress,
  validateTunnelName,
} from '../../renderer/validate.ts';

test('local addresses: the forms the agent accepts pass', () => {
  for (const ok of ['3000', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'http://localhost:3000', 'http://app.local:8443', ' 8080 ']) {
    assert.equal(validateLocalAddress(ok), null, ok);
  }
});

test('local addresses: a port that is not a number is named as such', () => {
  assert.match(validateLocalAddress('abc') ?? '', /not a port number/);
  assert.match(validateLocalAddress('localhost:abc') ?? '', /not a port number/);
  assert.match(validateLocalAddress('70000') ?? '', /1 to 65535/);
  assert.match(validateLocalAddress('0') ?? '', /1 to 65535/);
  assert.match(validateLocalAddress('') ?? '', /Enter the address/);
  assert.match(validateLocalAddress('localhost') ?? '', /Add a port/);
  // URLs get the agent's own verdict: it forwards to http:// apps only, without a path.
  assert.match(validateLocalAddress('ftp://host:21') ?? '', /only http:\/\//);
  assert.match(validateLocalAddress('https://app.local:8443') ?? '', /only http:\/\//);
  assert.match(validateLocalAddress('http://localhost:3000/app') ?? '', /not a local address/);
  assert.match(validateLocalAddress('bad host:80') ?? '', /not a valid host/);
});

test('tunnel names are DNS labels', () => {
  assert.equal(validateTunnelName(''), null);
  assert.equal(validateTunnelName('my-app1'), null);
  assert.ok(validateTunnelName('-app'));
  assert.ok(validateTunnelName('my_app'));
  assert.ok(validateTunnelName('a.b'));
  assert.ok(validateTunnelName('a'.repeat(64)));
});

test('issuer: https, or http on loopback only', () => {
  assert.equal(validateIssuerUrl('https://oauth.id.jumpcloud.com/'), null);
  assert.equal(validateIssuerUrl('http://localhost:9000/'), null);
  assert.equal(validateIssuerUrl('http://127.0.0.1:9000'), null);
  assert.match(validateIssuerUrl('http://idp.example.com/') ?? '', /https:\/\//);
  assert.match(validateIssuerUrl('oauth.id.jumpcloud.com') ?? '', /full URL/);
  assert.match(validateIssuerUrl('https://idp.example.com/?a=1') ?? '', /query/);
  assert.ok(validateIssuerUrl(''));
});

test('edge URL and listen address', () => {
  assert.equal(validateEdgeUrl('wss://tunnels.example.com'), null);
  assert.equal(validateEdgeUrl('ws://127.0.0.1:8080'), null);
  assert.ok(validateEdgeUrl('ws://tunnels.example.com'));
  assert.ok(validateEdgeUrl('https://tunnels.example.com'));
  assert.equal(validateHostPort('127.0.0.1:8080'), null);
  assert.equal(validateHostPort('[::1]:8080'), null);
  assert.ok(validateHostPort('8080'));
  assert.ok(validateHostPort('127.0.0.1:http'));
});

test('allow-list entries', () => {
  assert.equal(validateEmail('ana@acme.com'), null);
  assert.ok(validateEmail('a@evil.com@acme.com'));
  assert.ok(validateEmail('acme.com'));
  assert.equal(validateDomain('acme.com'), null);
  assert.ok(validateDomain('@acme.com'));
  assert.ok(validateDomain('acme'));
  assert.deepEqual(splitList(' a@x.com,\nb@x.com  a@x.com\n\n'), ['a@x.com', 'b@x.com']);
});

const stored = (extra: Partial<SettingsView> = {}): SettingsView => ({
  issuerUrl: 'https://oauth.id.jumpcloud.com/',
  clientId: 'id',
  scopes: ['openid', 'email'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  groupsClaim: 'groups',
  allowEmails: ['a@x.com'],
  allowDomains: [],
  allowGroups: [],
  edge: { kind: 'embedded', addr: '127.0.0.1:8080' },
  clientSecretStored: true,
  authtokenStored: false,
  ...extra,
});

test('the form never carries a stored secret, and an empty secret field keeps it', () => {
  const form = formFromSettings(stored());
  assert.equal(form.clientSecret, '');
  const input = inputFromForm(form);
  assert.equal('clientSecret' in input, false);
  assert.equal('authtoken' in input, false);
  assert.deepEqual(input.scopes, ['openid', 'email']);
  assert.deepEqual(input.allowEmails, ['a@x.com']);
  assert.equal(inputFromForm({ ...form, clientSecret: 's3cret' }).clientSecret, 's3cret');
});

test('first-run defaults are JumpCloud’s', () => {
  const form = formFromSettings(null);
  assert.equal(form.issuerUrl, 'https://oauth.id.jumpcloud.com/');
  assert.equal(form.scopes, 'openid profile email');
  assert.equal(form.tokenEndpointAuthMethod, 'client_secret_basic');
});

test('settings form errors are keyed by the service’s field names', () => {
  const form = { ...formFromSettings(null), issuerUrl: 'http://idp.example.com', clientId: 'id', scopes: 'profile' };
  const errors = validateSettingsForm(form, null);
  assert.deepEqual(errors.map((e) => e.field).sort(), ['clientSecret', 'issuerUrl', 'scopes']);
  const remote = { ...formFromSettings(stored()), edgeKind: 'remote' as const, edgeUrl: 'wss://t.example.com' };
  assert.deepEqual(validateSettingsForm(remote, stored()).map((e) => e.field), ['authtoken']);
  assert.deepEqual(validateSettingsForm(formFromSettings(stored()), stored()), []);
});

test('server field errors land on their field; the rest go to the alert', () => {
  const errors = [
    { field: 'allowEmails.1', message: 'bad email' },
    { field: 'edge', message: 'bad edge' },
    { field: 'somethingElse', message: 'other' },
  ];
  assert.equal(fieldError(errors, 'allowEmails'), 'bad email');
  assert.equal(fieldError(errors, 'edge.url'), 'bad edge');
  assert.deepEqual(unplacedErrors(errors, ['allowEmails', 'edge.url']).map((e) => e.message), ['other']);
});

test('SSO counts as configured once a client and its secret are saved', () => {
  assert.equal(ssoConfigured(null), false);
  assert.equal(ssoConfigured(stored()), true);
  assert.equal(ssoConfigured(stored({ clientSecretStored: false })), false);
  assert.equal(ssoConfigured(stored({ clientSecretStored: false, tokenEndpointAuthMethod: 'none' })), true);
  assert.equal(ssoConfigured(stored({ clientId: '' })), false);
});
