// settings.json: round trip, atomic replacement, broken files kept aside, per-field messages,
// and no secret ever accepted into the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SETTINGS_FILE,
  SettingsFileError,
  SettingsValidationError,
  createSettingsStore,
} from '../../main/config/settings-store.ts';
import { DEFAULT_ISSUER_URL, defaultSettings, validateSettings, type SettingsInput } from '../../main/config/schema.ts';
import { defaultConfigDir } from '../../main/config/paths.ts';
import { writeFileAtomic } from '../../main/config/atomic-write.ts';
import { jsonErrorWhere } from '../../main/config/json-error.ts';

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-settings-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const sample: SettingsInput = {
  issuerUrl: 'https://oauth.id.jumpcloud.com/',
  clientId: 'abc-123',
  scopes: ['openid', 'email', 'profile', 'groups'],
  tokenEndpointAuthMethod: 'client_secret_post',
  allowEmails: ['ada@example.com'],
  allowDomains: ['example.org'],
  allowGroups: ['Engineering'],
  groupsClaim: 'memberOf',
  edge: { mode: 'remote', url: 'wss://tunnels.example.com', caFile: '/etc/gatehouse/ca.pem' },
  tunnels: [
    { addr: '3000', name: 'app', sso: true },
    { addr: 'http://localhost:5173', sso: false },
  ],
};

test('no file yet: defaults, and nothing is written by reading', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir: join(dir, 'gatehouse') });
  const s = await store.load();
  assert.equal(s.issuerUrl, DEFAULT_ISSUER_URL);
  assert.equal(s.issuerUrl, 'https://oauth.id.jumpcloud.com/');
  assert.equal(s.tokenEndpointAuthMethod, 'client_secret_basic');
  assert.deepEqual(s.scopes, ['openid', 'profile', 'email']);
  assert.deepEqual(s.edge, { mode: 'embedded', addr: '127.0.0.1:8080' });
  assert.deepEqual(s.tunnels, []);
  await assert.rejects(stat(store.dir), { code: 'ENOENT' });
});

test('round trip through a new store instance, file 0600 in a 0700 folder', async (t) => {
  const dir = join(await tempDir(t), 'nested', 'gatehouse');
  const saved = await createSettingsStore({ dir }).save(sample);
  const loaded = await createSettingsStore({ dir }).load();
  assert.deepEqual(loaded, saved);
  assert.equal(loaded.clientId, 'abc-123');
  assert.equal(loaded.version, 1);
  assert.deepEqual(loaded.tunnels[0], { addr: '3000', name: 'app', sso: true });
  assert.equal((await stat(join(dir, SETTINGS_FILE))).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.deepEqual(JSON.parse(await readFile(join(dir, SETTINGS_FILE), 'utf8')), saved);
});

test('save replaces the file atomically: an open reader keeps the old content, no temp file stays', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await store.save({ ...sample, clientId: 'old-client' });
  const reader = await open(store.path, 'r');
  t.after(() => reader.close());
  await store.save({ ...sample, clientId: 'new-client' });
  // An in-place rewrite would truncate what `reader` sees; a rename leaves it the old inode.
  assert.equal(JSON.parse(await reader.readFile('utf8')).clientId, 'old-client');
  assert.equal((await store.load()).clientId, 'new-client');
  assert.deepEqual(await readdir(dir), [SETTINGS_FILE]);
});

test('concurrent saves and updates are serialised and leave a valid file', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await store.save(sample);
  const adds = Array.from({ length: 20 }, (_, i) =>
    store.update((s) => ({ ...s, allowGroups: [...s.allowGroups, `g${i}`] })),
  );
  await Promise.all(adds);
  const final = await createSettingsStore({ dir }).load();
  assert.equal(final.allowGroups.length, 21); // no lost update
  assert.deepEqual(await readdir(dir), [SETTINGS_FILE]);
});

test('a failed atomic write removes its temp file and keeps the target untouched', async (t) => {
  const dir = await tempDir(t);
  const target = join(dir, 'occupied');
  await mkdir(target); // rename over a folder fails
  await assert.rejects(writeFileAtomic(target, 'data'));
  assert.deepEqual(await readdir(dir), ['occupied']);
  assert.ok((await stat(target)).isDirectory());
});

test('invalid input to save: field messages, nothing written', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  const err = await store
    .save({ ...sample, issuerUrl: 'http://idp.example.com/', tunnels: [{ addr: 'port 3000', sso: true }] })
    .catch((e: unknown) => e);
  assert.ok(err instanceof SettingsValidationError);
  assert.match(err.errors.issuerUrl!, /https/);
  assert.match(err.errors['tunnels.0.addr']!, /Local address/);
  await assert.rejects(stat(store.path), { code: 'ENOENT' });
});

test('a file that is not JSON: clear error, the file kept aside byte for byte, defaults after', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  const broken = '{\n  "clientId": "abc",\n  "scopes": [,]\n}\n';
  await writeFile(store.path, broken);
  const err = await store.load().catch((e: unknown) => e);
  assert.ok(err instanceof SettingsFileError);
  assert.match(err.message, /not valid JSON \(line 3, column \d+\)/);
  assert.ok(err.keptAt && err.message.includes(err.keptAt));
  assert.equal(await readFile(err.keptAt, 'utf8'), broken);
  await assert.rejects(stat(store.path), { code: 'ENOENT' });
  assert.deepEqual(await store.load(), defaultSettings());
});

test('the JSON error never quotes the file, which could hold a secret', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await writeFile(store.path, '{"clientSecret": "hunter2-SECRET" trailing}');
  const err = (await store.load().catch((e: unknown) => e)) as SettingsFileError;
  assert.ok(err instanceof SettingsFileError);
  assert.doesNotMatch(err.message, /hunter2/);
  assert.equal(await readFile(err.keptAt!, 'utf8'), '{"clientSecret": "hunter2-SECRET" trailing}');
});

test('an empty file is reported as empty and kept aside', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await writeFile(store.path, '');
  const { settings, problem } = await store.loadOrRecover();
  assert.deepEqual(settings, defaultSettings());
  assert.ok(problem instanceof SettingsFileError);
  assert.match(problem.message, /empty/);
  assert.ok(problem.keptAt);
  assert.equal((await readdir(dir)).length, 1);
});

test('valid JSON with invalid settings: named fields, file kept aside', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await writeFile(store.path, JSON.stringify({ issuerUrl: 'ftp://idp.example.com', scopes: ['email'] }));
  const err = (await store.load().catch((e: unknown) => e)) as SettingsFileError;
  assert.ok(err instanceof SettingsFileError);
  assert.match(err.message, /issuerUrl: Issuer URL must use https/);
  assert.match(err.errors.scopes!, /openid/);
  assert.deepEqual(JSON.parse(await readFile(err.keptAt!, 'utf8')).scopes, ['email']);
});

test('a file from a newer version is left in place and never overwritten', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  const newer = JSON.stringify({ version: 7, futureField: true });
  await writeFile(store.path, newer);
  const err = (await store.load().catch((e: unknown) => e)) as SettingsFileError;
  assert.ok(err instanceof SettingsFileError);
  assert.match(err.message, /newer Gatehouse/);
  assert.equal(err.keptAt, null);
  await assert.rejects(store.save(sample), /newer Gatehouse/);
  assert.equal(await readFile(store.path, 'utf8'), newer);
});

test('secret fields are refused anywhere in the settings, without echoing the value', async (t) => {
  const cases: Array<[unknown, string]> = [
    [{ clientSecret: 'sv-1' }, 'clientSecret'],
    [{ client_secret: 'sv-2' }, 'client_secret'],
    [{ edge: { mode: 'remote', url: 'wss://t.example.com', authtoken: 'sv-3' } }, 'edge.authtoken'],
    [{ tunnels: [{ addr: '3000', sso: true, password: 'sv-4' }] }, 'tunnels.0.password'],
    [{ sessionKey: 'sv-5' }, 'sessionKey'],
  ];
  for (const [input, field] of cases) {
    const r = validateSettings(input);
    assert.equal(r.ok, false, field);
    if (r.ok) continue;
    assert.match(r.errors[field]!, /secret.*keychain/, field);
    assert.doesNotMatch(JSON.stringify(r.errors), /sv-\d/);
  }
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await assert.rejects(store.save({ ...sample, clientSecret: 'never-on-disk' } as SettingsInput), SettingsValidationError);
  await assert.rejects(stat(store.path), { code: 'ENOENT' });
});

test('a secret hand-written into the file is refused on load and the file kept aside', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await writeFile(store.path, JSON.stringify({ clientId: 'x', clientSecret: 'typed-by-hand' }));
  const err = (await store.load().catch((e: unknown) => e)) as SettingsFileError;
  assert.ok(err instanceof SettingsFileError);
  assert.match(err.errors.clientSecret!, /keychain/);
  assert.doesNotMatch(err.message, /typed-by-hand/);
});

test('issuer URL rules: absolute https, http only for localhost', () => {
  const issuer = (issuerUrl: string) => {
    const r = validateSettings({ issuerUrl });
    return r.ok ? 'ok' : r.errors.issuerUrl;
  };
  assert.equal(issuer('https://oauth.id.jumpcloud.com/'), 'ok');
  assert.equal(issuer('https://idp.example.com:8443/realms/x'), 'ok');
  assert.equal(issuer('http://localhost:9000/'), 'ok');
  assert.equal(issuer('http://127.0.0.1:9000'), 'ok');
  assert.equal(issuer('http://[::1]:9000'), 'ok');
  assert.equal(issuer('http://idp.localhost:9000'), 'ok');
  assert.match(issuer('http://oauth.id.jumpcloud.com/') ?? '', /must use https:\/\/ \(http:\/\/ is allowed only for localhost\)/);
  assert.match(issuer('http://localhost.evil.com/') ?? '', /must use https/);
  assert.match(issuer('oauth.id.jumpcloud.com') ?? '', /absolute URL/);
  assert.match(issuer('/relative') ?? '', /absolute URL/);
  assert.match(issuer('https://user:pw@idp.example.com/') ?? '', /user name or password/);
  assert.match(issuer('https://idp.example.com/?x=1') ?? '', /query/);
});

test('per-field messages for the rest of the form', () => {
  const r = validateSettings({
    clientId: 'has space',
    scopes: ['profile', 'profile'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    allowEmails: ['a@evil.com@example.com', 'Ada@Example.COM'],
    allowDomains: ['not a domain'],
    allowGroups: [''],
    groupsClaim: 'has space',
    tunnels: [
      { addr: '70000', name: 'Bad_Name', sso: true },
      { addr: 'localhost:3000', name: 'dup', sso: true },
      { addr: '127.0.0.1:3001', name: 'dup', sso: false },
    ],
  });
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.errors.clientId!, /Client ID must not contain spaces/);
  assert.match(r.errors.scopes!, /openid/);
  assert.match(r.errors.tokenEndpointAuthMethod!, /client_secret_basic, client_secret_post or none/);
  assert.match(r.errors['allowEmails.0']!, /email/);
  assert.equal(r.errors['allowEmails.1'], undefined);
  assert.match(r.errors['allowDomains.0']!, /domain/);
  assert.match(r.errors['allowGroups.0']!, /empty/);
  assert.match(r.errors.groupsClaim!, /claim/);
  assert.match(r.errors['tunnels.0.addr']!, /Local address/);
  assert.match(r.errors['tunnels.0.name']!, /lowercase/);

  const edge = validateSettings({ edge: { mode: 'remote', url: 'https://tunnels.example.com' } });
  assert.ok(!edge.ok && /wss:\/\//.test(edge.errors['edge.url']!));
  const caRel = validateSettings({ edge: { mode: 'remote', url: 'wss://t.example.com', caFile: 'ca.pem' } });
  assert.ok(!caRel.ok && /absolute path/.test(caRel.errors['edge.caFile']!));
  const embedded = validateSettings({ edge: { mode: 'embedded', addr: 'localhost' } });
  assert.ok(!embedded.ok && /host:port/.test(embedded.errors['edge.addr']!));
  const dup = validateSettings({
    tunnels: [
      { addr: '3000', name: 'dup', sso: true },
      { addr: '3001', name: 'dup', sso: true },
    ],
  });
  assert.ok(!dup.ok && /already uses the name "dup"/.test(dup.errors['tunnels.1.name']!));
  const norm = validateSettings({ allowEmails: [' Ada@Example.COM '], allowDomains: ['Example.ORG'] });
  assert.ok(norm.ok);
  assert.deepEqual(norm.settings.allowEmails, ['ada@example.com']);
  assert.deepEqual(norm.settings.allowDomains, ['example.org']);
});

test('local addresses the CLI accepts are valid tunnel addresses', () => {
  for (const addr of ['3000', 'localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'http://localhost:3000', 'http://app.internal:8080']) {
    assert.ok(validateSettings({ tunnels: [{ addr, sso: false }] }).ok, addr);
  }
  // Exactly what `gatehouse http` refuses: no https upstreams, paths or credentials.
  for (const addr of ['', '0', '65536', 'ftp://localhost:21', 'http://u:p@localhost:3000', 'https://app.internal:8443', 'http://localhost:3000/base']) {
    assert.ok(!validateSettings({ tunnels: [{ addr, sso: false }] }).ok, addr);
  }
});

test('config folder: override, XDG_CONFIG_HOME, ~/.config', () => {
  assert.equal(defaultConfigDir({ GATEHOUSE_CONFIG_DIR: '/srv/gh' }, 'linux', '/home/ada'), '/srv/gh');
  assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/ada'), '/x/cfg/gatehouse');
  assert.equal(defaultConfigDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/ada'), '/home/ada/.config/gatehouse');
  assert.equal(defaultConfigDir({}, 'linux', '/home/ada'), '/home/ada/.config/gatehouse');
  assert.equal(defaultConfigDir({}, 'darwin', '/Users/ada'), '/Users/ada/Library/Application Support/gatehouse');
});

test('the default store lives in the default config folder', () => {
  assert.equal(createSettingsStore().path, join(defaultConfigDir(), SETTINGS_FILE));
});

test('JSON error positions, whatever V8 says', () => {
  assert.equal(jsonErrorWhere('{\n  "a": [,]\n}'), ' (line 2, column 9)');
  assert.equal(jsonErrorWhere('{"a": 1,}'), ' (line 1, column 9)');
  assert.equal(jsonErrorWhere('{"a": 01}'), ' (line 1, column 8)');
  assert.equal(jsonErrorWhere('{"a": "x\ty"}'), ' (line 1, column 9)');
  assert.equal(jsonErrorWhere('{"a": tru}'), ' (line 1, column 7)');
  assert.equal(jsonErrorWhere('{"a": 1} x'), ' (line 1, column 10)');
  assert.equal(jsonErrorWhere('{"a": "\\q"}'), ' (line 1, column 9)');
  assert.equal(jsonErrorWhere('{"a": 1'), ' (line 1, column 8)');
  assert.equal(jsonErrorWhere('  \n '), ' (the file is empty)');
  assert.equal(jsonErrorWhere('{"a": [1, {"b": null}], "c": "\\u00e9"}'), '');
});

test('a UTF-8 BOM written by an editor is accepted', async (t) => {
  const dir = await tempDir(t);
  const store = createSettingsStore({ dir });
  await writeFile(store.path, '\uFEFF' + JSON.stringify({ clientId: 'bom' }));
  assert.equal((await store.load()).clientId, 'bom');
});
