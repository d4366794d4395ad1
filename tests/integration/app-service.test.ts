// The app service without a browser: what survives a restart, and bad input that must end in a
// clear message instead of a crash. Real keychain (npm test runs a private one), real edge.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, isAllowedExternal } from '../../main/app/service.ts';
import { BadArgumentsError } from '../../main/app/api-schema.ts';
import { createKeychainStore, SecretAccounts } from '../../main/secrets/keychain.ts';
import { silentLogger } from '../../main/common/log.ts';
import type { GatehouseEvent } from '../../preload/contract.ts';
import { startApp, startTestEdge, TOKEN } from '../support/tunnel.ts';
import { waitFor } from '../../main/common/wait.ts';

const keychain = createKeychainStore({ service: `gatehouse-svc-${process.pid}` });
const dirs: string[] = [];
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'gatehouse-svc-'));
  dirs.push(d);
  return d;
};
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  for (const a of Object.values(SecretAccounts)) await keychain.delete(a).catch(() => {});
});

const start = (configDir: string, edgeAddr = '127.0.0.1:0') => createAppService({ shell: 'headless', configDir, edgeAddr, secrets: keychain, log: silentLogger });

test('the tunnel list survives a restart (stopped until started again)', async () => {
  const dir = await tempDir();
  const app = await startApp((_q, s) => s.end('served'));
  let svc = await start(dir);
  const added = await svc.addTunnel({ addr: String(app.port), name: 'keeper', sso: false });
  assert.ok(added.ok);
  const started = await svc.startTunnel(added.value.id);
  assert.ok(started.ok && started.value.status === 'online', JSON.stringify(started));
  assert.match(started.value.publicUrl!, /^http:\/\/keeper\.localhost:\d+$/);
  await svc.close();

  svc = await start(dir);
  const list = await svc.listTunnels();
  assert.deepEqual(list.map((t) => [t.addr, t.name, t.sso, t.status]), [[String(app.port), 'keeper', false, 'stopped']]);
  await svc.close();
  await app.close();
});

test('an edge port in use is reported in app info and on start, and nothing crashes', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as net.AddressInfo).port;
  const svc = await start(await tempDir(), `127.0.0.1:${port}`);
  const info = await svc.getInfo();
  assert.equal(info.edge.status, 'error');
  assert.match(info.edge.reason!, new RegExp(`127.0.0.1:${port} is already in use`));
  const t = await svc.addTunnel({ addr: '3000', sso: false });
  assert.ok(t.ok);
  const r = await svc.startTunnel(t.value.id);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /already in use/);
  await svc.close();
  busy.close();
});

test('SSO without saved credentials says what to fill in', async () => {
  const svc = await start(await tempDir());
  const t = await svc.addTunnel({ addr: '3000', sso: true });
  assert.ok(t.ok);
  const r = await svc.startTunnel(t.value.id);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /Issuer URL and a Client ID/);
  assert.equal((await svc.listTunnels())[0]!.status, 'error');
  await svc.close();
});

test('bad input: field errors for settings and tunnels, refused arguments at the boundary', async () => {
  const svc = await start(await tempDir());
  const s = await svc.saveSettings({ issuerUrl: 'http://idp.example.com/', clientId: 'has space' });
  assert.equal(s.ok, false);
  const fields = Object.fromEntries((s as { fields: { field: string; message: string }[] }).fields.map((f) => [f.field, f.message]));
  assert.match(fields.issuerUrl!, /https/);
  assert.match(fields.clientId!, /spaces/);
  // Field paths are the settings paths the form uses (`edge.url`, `allowEmails.0`), so the
  // renderer places each message under its field.
  const e = await svc.saveSettings({ issuerUrl: 'https://idp.example.com/', clientId: 'gatehouse', edge: { kind: 'remote', url: 'wss://tunnels.example.com/?x=1' }, allowEmails: ['not-an-email'] });
  assert.equal(e.ok, false);
  const paths = (e as { fields: { field: string }[] }).fields.map((f) => f.field);
  assert.ok(paths.includes('edge.url'), paths.join(', '));
  assert.ok(paths.some((p) => p.startsWith('allowEmails')), paths.join(', '));
  const t = await svc.addTunnel({ addr: 'localhost:99999', name: 'Bad Name', sso: false });
  assert.equal(t.ok, false);
  assert.deepEqual((t as { fields: { field: string }[] }).fields.map((f) => f.field).sort(), ['addr', 'name']);
  await assert.rejects(svc.call('addTunnel', [{ addr: 3000 }]), BadArgumentsError);
  await assert.rejects(svc.call('saveSettings', [{ issuerUrl: 'https://x/', clientId: 'a', password: 'x' }]), BadArgumentsError);
  await svc.close();
});

test('a corrupt settings file: defaults, an error event, and the broken file kept aside', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'settings.json'), '{ "issuerUrl": ');
  const svc = await start(dir);
  const events: GatehouseEvent[] = [];
  svc.onEvent((e) => events.push(e));
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(events.some((e) => e.type === 'error'), JSON.stringify(events));
  assert.equal((await svc.getSettings()).issuerUrl, 'https://oauth.id.jumpcloud.com/');
  assert.ok((await readdir(dir)).some((f) => f.startsWith('settings.json.broken')));
  await svc.close();
});

test('the client secret is write-only: stored in the keychain, reported only as stored, clearable', async () => {
  const svc = await start(await tempDir());
  const saved = await svc.saveSettings({ issuerUrl: 'https://oauth.id.jumpcloud.com/', clientId: 'cid', clientSecret: 'top-secret-value' });
  assert.ok(saved.ok);
  assert.equal(saved.value.clientSecretStored, true);
  assert.ok(!JSON.stringify(saved.value).includes('top-secret-value'));
  assert.equal(await keychain.get(SecretAccounts.oidcClientSecret), 'top-secret-value');
  const cleared = await svc.saveSettings({ issuerUrl: 'https://oauth.id.jumpcloud.com/', clientId: 'cid', clientSecret: null });
  assert.ok(cleared.ok && cleared.value.clientSecretStored === false);
  assert.equal(await keychain.get(SecretAccounts.oidcClientSecret), null);
  await svc.close();
});

test('external links: only tunnel URLs, the IdP and JumpCloud', () => {
  const tunnels = ['http://abc.localhost:8080'];
  const issuer = 'https://oauth.id.jumpcloud.com/';
  assert.ok(isAllowedExternal('http://abc.localhost:8080/x', tunnels, issuer));
  assert.ok(isAllowedExternal('https://oauth.id.jumpcloud.com/anything', tunnels, issuer));
  assert.ok(isAllowedExternal('https://console.jumpcloud.com/', tunnels, issuer));
  for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'https://evil.example/', 'http://abc.localhost:8081/', 'https://user:pw@console.jumpcloud.com/', 'not a url']) {
    assert.equal(isAllowedExternal(bad, tunnels, issuer), false, bad);
  }
});

test("a remote edge's Redirect URI is the one its welcome names, not a guess from the agent URL", async () => {
  // The agent dials 127.0.0.1; the edge's public name is another host (as behind a load balancer).
  const edge = await startTestEdge({ baseUrl: 'https://tunnels.example.test' });
  const svc = await start(await tempDir());
  try {
    const saved = await svc.saveSettings({ issuerUrl: 'https://idp.example.com/', clientId: 'gatehouse', edge: { kind: 'remote', url: edge.agentUrl }, authtoken: TOKEN });
    assert.ok(saved.ok, JSON.stringify(saved));
    let info = await svc.getInfo();
    // The welcome arrives after the save returns; the service announces the new info.
    const off = svc.onEvent((e) => {
      if (e.type === 'app') info = e.info;
    });
    try {
      const expected = 'https://tunnels.example.test/oauth2/callback';
      assert.ok(info.redirectUri === expected || (await waitFor(() => info.redirectUri === expected, 5000)), `Redirect URI: ${info.redirectUri}`);
    } finally {
      off();
    }
    assert.equal(info.postLogoutRedirectUri, 'https://tunnels.example.test/oauth2/signed-out');
    assert.equal(info.edge.status, 'online');
  } finally {
    await svc.close();
    await edge.close(0);
  }
});
