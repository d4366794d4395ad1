// The tray's state, tooltip and menu from the service's tunnels and edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TunnelView } from '../../preload/contract.ts';
import { applyEvent, trayMenu, trayState, trayTooltip, tunnelsFor, type TrayMenuItem, type TrayView } from '../../main/electron-main/tray-model.ts';

const t = (id: string, status: TunnelView['status'], publicUrl?: string): TunnelView => ({ id, addr: `localhost:${3000 + id.length}`, name: id, sso: true, status, publicUrl });
const online = { status: 'online' as const, url: 'http://localhost:8080' };

test('the icon shows the worst news: error, then connecting, then online, else stopped', () => {
  assert.equal(trayState([], online), 'stopped');
  assert.equal(trayState([t('a', 'stopped')], online), 'stopped');
  assert.equal(trayState([t('a', 'online', 'http://a.localhost:8080')], online), 'online');
  assert.equal(trayState([t('a', 'online'), t('b', 'starting')], online), 'connecting');
  assert.equal(trayState([t('a', 'online'), t('b', 'reconnecting')], online), 'connecting');
  assert.equal(trayState([t('a', 'online'), t('b', 'error')], online), 'error');
  assert.equal(trayState([t('a', 'online')], { status: 'error', reason: 'port in use' }), 'error');
  assert.equal(trayState([], { status: 'starting' }), 'connecting');
  assert.equal(trayState([], null), 'stopped');
});

test('the tooltip counts what is online', () => {
  assert.equal(trayTooltip([t('a', 'online'), t('b', 'online')], 'online'), 'Gatehouse: 2 tunnels online');
  assert.equal(trayTooltip([t('a', 'online')], 'online'), 'Gatehouse: 1 tunnel online');
  assert.equal(trayTooltip([], 'stopped'), 'Gatehouse: no tunnel running');
});

const item = (menu: TrayMenuItem[], label: string) => menu.find((m) => m.type !== 'separator' && m.label === label);

test('Start/Stop are enabled only when there is something to start or stop', () => {
  const stopped = trayMenu([t('a', 'stopped')]);
  assert.deepEqual(item(stopped, 'Start tunnel'), { type: 'item', label: 'Start tunnel', enabled: true, action: { kind: 'start-all' } });
  assert.equal((item(stopped, 'Stop tunnel') as { enabled: boolean }).enabled, false);
  assert.equal((item(stopped, 'Copy URL') as { enabled: boolean }).enabled, false);
  const running = trayMenu([t('a', 'online', 'http://a.localhost:8080')]);
  assert.equal((item(running, 'Start tunnel') as { enabled: boolean }).enabled, false);
  assert.equal((item(running, 'Stop tunnel') as { enabled: boolean }).enabled, true);
  assert.ok(item(running, 'Show Gatehouse') && item(running, 'Quit'));
});

test('Copy URL copies the one public URL, or offers each when several are online', () => {
  const one = trayMenu([t('a', 'online', 'http://a.localhost:8080'), t('b', 'stopped')]);
  assert.deepEqual(item(one, 'Copy URL'), { type: 'item', label: 'Copy URL', enabled: true, action: { kind: 'copy-url', url: 'http://a.localhost:8080' } });
  const two = trayMenu([t('a', 'online', 'http://a.localhost:8080'), t('b', 'online', 'http://b.localhost:8080')]);
  const sub = item(two, 'Copy URL');
  assert.equal(sub?.type, 'submenu');
  assert.deepEqual(
    sub?.type === 'submenu' ? sub.items.map((i) => (i.type === 'item' ? i.action : null)) : [],
    [{ kind: 'copy-url', url: 'http://a.localhost:8080' }, { kind: 'copy-url', url: 'http://b.localhost:8080' }],
  );
  assert.ok(item(two, 'Start all tunnels') && item(two, 'Stop all tunnels'));
});

test('Start all / Stop all act on the right tunnels', () => {
  const list = [t('a', 'online'), t('b', 'stopped'), t('c', 'error'), t('d', 'reconnecting')];
  assert.deepEqual(tunnelsFor('start-all', list), ['b', 'c']);
  assert.deepEqual(tunnelsFor('stop-all', list), ['a', 'd']);
});

test('events keep the tray view current; request events change nothing', () => {
  let v: TrayView = { tunnels: [], edge: null };
  v = applyEvent(v, { type: 'tunnel', tunnel: t('a', 'starting') });
  v = applyEvent(v, { type: 'tunnel', tunnel: t('b', 'stopped') });
  v = applyEvent(v, { type: 'tunnel', tunnel: t('a', 'online', 'http://a.localhost:8080') });
  assert.deepEqual(v.tunnels.map((x) => [x.id, x.status]), [['a', 'online'], ['b', 'stopped']]);
  v = applyEvent(v, { type: 'tunnel-removed', id: 'b' });
  v = applyEvent(v, { type: 'app', info: { version: '0', edge: online, redirectUri: '', postLogoutRedirectUri: '', shell: 'electron' } });
  assert.deepEqual(v, { tunnels: [t('a', 'online', 'http://a.localhost:8080')], edge: online });
  const same = applyEvent(v, { type: 'request', request: { id: 'r', tunnelId: 'a', startedAt: 0, durationMs: 1, method: 'GET', path: '/', status: 200, requestHeaders: [], responseHeaders: [] } });
  assert.equal(same, v);
});
