// The keychain store against the real Secret Service (scripts/test.ts provides a private
// GNOME Keyring on a private D-Bus session). Each test uses its own service name, except the one
// that checks the production service name, which uses a throwaway account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  KEYCHAIN_SERVICE,
  SecretStoreUnavailableError,
  createKeychainStore,
  type SecretStore,
} from '../../main/secrets/keychain.ts';
import { loadOrCreateSessionKey } from '../../main/config/session-key.ts';
import type * as Keytar from 'keytar';

const KEYCHAIN_MODULE = fileURLToPath(new URL('../../main/secrets/keychain.ts', import.meta.url));
const SESSION_KEY_MODULE = fileURLToPath(new URL('../../main/config/session-key.ts', import.meta.url));
const keytar = createRequire(import.meta.url)('keytar') as typeof Keytar;

const uniqueService = () => `gatehouse-test-${process.pid}-${randomBytes(4).toString('hex')}`;

function freshStore(t: { after(fn: () => Promise<void>): void }, accounts: string[]): { store: SecretStore; service: string } {
  const service = uniqueService();
  t.after(async () => {
    for (const a of accounts) await keytar.deletePassword(service, a).catch(() => false);
  });
  return { store: createKeychainStore({ service }), service };
}

/** Runs a snippet in a new Node process (a real restart), returning its stdout. */
function inNewProcess(code: string, env: NodeJS.ProcessEnv = process.env): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { env }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

test('set, get and delete a secret', async (t) => {
  const { store, service } = freshStore(t, ['oidc-client-secret']);
  assert.equal(await store.get('oidc-client-secret'), null);
  await store.set('oidc-client-secret', 'first-value');
  assert.equal(await store.get('oidc-client-secret'), 'first-value');
  // Really in the OS keychain, not in a cache of ours.
  assert.equal(await keytar.getPassword(service, 'oidc-client-secret'), 'first-value');
  await store.set('oidc-client-secret', 'second-value');
  assert.equal(await store.get('oidc-client-secret'), 'second-value');
  assert.equal(await store.delete('oidc-client-secret'), true);
  assert.equal(await store.get('oidc-client-secret'), null);
  assert.equal(await keytar.getPassword(service, 'oidc-client-secret'), null);
});

test('a missing account reads as null and deletes as false', async (t) => {
  const { store } = freshStore(t, []);
  assert.equal(await store.get('authtoken'), null);
  assert.equal(await store.delete('authtoken'), false);
});

test('values keep unicode, punctuation and length intact', async (t) => {
  const { store } = freshStore(t, ['authtoken', 'oidc-client-secret']);
  const unicode = 'pässwörd 🔑 密码 — "quoted" \\ back\nslash';
  await store.set('authtoken', unicode);
  assert.equal(await store.get('authtoken'), unicode);
  const long = randomBytes(3000).toString('base64');
  await store.set('oidc-client-secret', long);
  assert.equal(await store.get('oidc-client-secret'), long);
});

test('accounts are separate entries', async (t) => {
  const { store } = freshStore(t, ['authtoken', 'oidc-client-secret']);
  await store.set('authtoken', 'token-a');
  await store.set('oidc-client-secret', 'secret-b');
  assert.equal(await store.delete('authtoken'), true);
  assert.equal(await store.get('authtoken'), null);
  assert.equal(await store.get('oidc-client-secret'), 'secret-b');
});

test('the default store uses the "gatehouse" service', async (t) => {
  const account = `test-${randomBytes(6).toString('hex')}`;
  t.after(async () => void (await keytar.deletePassword('gatehouse', account).catch(() => false)));
  const store = createKeychainStore();
  await store.set(account, 'under-gatehouse');
  assert.equal(KEYCHAIN_SERVICE, 'gatehouse');
  assert.equal(await keytar.getPassword('gatehouse', account), 'under-gatehouse');
  assert.equal(await store.delete(account), true);
});

test('a secret outlives the process that stored it', async (t) => {
  const { store, service } = freshStore(t, ['authtoken']);
  await store.set('authtoken', 'survives-restart ✓');
  const { stdout } = await inNewProcess(
    `const { createKeychainStore } = await import(${JSON.stringify(KEYCHAIN_MODULE)});
     process.stdout.write(JSON.stringify(await createKeychainStore({ service: ${JSON.stringify(service)} }).get('authtoken')));`,
  );
  assert.equal(JSON.parse(stdout), 'survives-restart ✓');
});

test('bad account names and empty values are refused before reaching the keychain', async (t) => {
  const { store } = freshStore(t, []);
  await assert.rejects(store.get('Has Spaces'), TypeError);
  await assert.rejects(store.set('../x', 'v'), TypeError);
  await assert.rejects(store.set('authtoken', ''), /empty secret/);
});

test('no Secret Service: a clear error that names the fix and never the secret', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };
  delete env.DISPLAY;
  const { stdout } = await inNewProcess(
    `const { createKeychainStore } = await import(${JSON.stringify(KEYCHAIN_MODULE)});
     try { await createKeychainStore({ service: 'gatehouse-test-offline' }).set('authtoken', 'TOP-SECRET-VALUE-42'); console.log('stored?!'); }
     catch (e) { process.stdout.write(JSON.stringify({ name: e.name, message: e.message })); }`,
    env,
  );
  const err = JSON.parse(stdout) as { name: string; message: string };
  assert.equal(err.name, SecretStoreUnavailableError.name);
  assert.match(err.message, /Secret Service/);
  assert.match(err.message, /gnome-keyring/);
  assert.match(err.message, /authtoken/);
  assert.doesNotMatch(err.message, /TOP-SECRET-VALUE-42/);
});

test('the session key is created once in the keychain and survives restarts', async (t) => {
  const { service } = freshStore(t, ['session-key']);
  const first = await loadOrCreateSessionKey(createKeychainStore({ service }));
  assert.equal(first.length, 32);
  assert.equal(await keytar.getPassword(service, 'session-key'), first.toString('base64'));
  const again = await loadOrCreateSessionKey(createKeychainStore({ service }));
  assert.deepEqual(again, first);
  const { stdout } = await inNewProcess(
    `const { createKeychainStore } = await import(${JSON.stringify(KEYCHAIN_MODULE)});
     const { loadOrCreateSessionKey } = await import(${JSON.stringify(SESSION_KEY_MODULE)});
     process.stdout.write((await loadOrCreateSessionKey(createKeychainStore({ service: ${JSON.stringify(service)} }))).toString('hex'));`,
  );
  assert.equal(stdout, first.toString('hex'));
});

test('a different keychain entry gives a different session key', async (t) => {
  const a = freshStore(t, ['session-key']);
  const b = freshStore(t, ['session-key']);
  const ka = await loadOrCreateSessionKey(a.store);
  const kb = await loadOrCreateSessionKey(b.store);
  assert.notDeepEqual(ka, kb);
});

test('an unusable stored session key is replaced rather than used', async (t) => {
  const { store, service } = freshStore(t, ['session-key']);
  await keytar.setPassword(service, 'session-key', 'too-short');
  const key = await loadOrCreateSessionKey(store);
  assert.equal(key.length, 32);
  assert.equal(await keytar.getPassword(service, 'session-key'), key.toString('base64'));
});
