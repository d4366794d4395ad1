// The renderer store: how service events fold into state (tunnel updates, removal, the request
// log cap, notices) and how the store drives the API (one subscription, add-then-start).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatehouseApi, GatehouseEvent, RequestView, Result, TunnelView } from '../../preload/contract.ts';
import {
  addNotice,
  createAppStore,
  mergeRequests,
  reduceEvent,
  REQUEST_LOG_CAP,
  upsertTunnel,
  type DataState,
} from '../../renderer/store.ts';

const tunnel = (id: string, extra: Partial<TunnelView> = {}): TunnelView => ({ id, addr: '3000', sso: false, status: 'stopped', ...extra });
const request = (id: string, startedAt: number, tunnelId = 't1'): RequestView => ({
  id,
  tunnelId,
  startedAt,
  durationMs: 1,
  method: 'GET',
  path: `/${id}`,
  status: 200,
  requestHeaders: [],
  responseHeaders: [],
});
const empty = (): DataState => ({ info: null, settings: null, tunnels: [], requests: [], notices: [], selectedRequestId: null });

test('a tunnel event updates the tunnel in place and keeps the list order', () => {
  let state = empty();
  state = { ...state, ...reduceEvent(state, { type: 'tunnel', tunnel: tunnel('a') }) };
  state = { ...state, ...reduceEvent(state, { type: 'tunnel', tunnel: tunnel('b') }) };
  state = {
    ...state,
    ...reduceEvent(state, { type: 'tunnel', tunnel: tunnel('a', { status: 'online', publicUrl: 'http://a.localhost:8080' }) }),
  };
  assert.deepEqual(
    state.tunnels.map((t) => [t.id, t.status, t.publicUrl]),
    [
      ['a', 'online', 'http://a.localhost:8080'],
      ['b', 'stopped', undefined],
    ],
  );
});

test('a reconnecting event carries its reason through', () => {
  const state = { ...empty(), tunnels: [tunnel('a', { status: 'online' })] };
  const next = reduceEvent(state, { type: 'tunnel', tunnel: tunnel('a', { status: 'reconnecting', reason: 'edge unreachable' }) });
  assert.equal(next.tunnels?.[0]?.reason, 'edge unreachable');
});

test('tunnel removal drops the tunnel, its requests, and a selection that pointed at them', () => {
  const state: DataState = {
    ...empty(),
    tunnels: [tunnel('a'), tunnel('b')],
    requests: [request('r1', 2, 'a'), request('r2', 1, 'b')],
    selectedRequestId: 'r1',
  };
  const next = reduceEvent(state, { type: 'tunnel-removed', id: 'a' });
  assert.deepEqual(next.tunnels?.map((t) => t.id), ['b']);
  assert.deepEqual(next.requests?.map((r) => r.id), ['r2']);
  assert.equal(next.selectedRequestId, null);

  const keep = reduceEvent({ ...state, selectedRequestId: 'r2' }, { type: 'tunnel-removed', id: 'a' });
  assert.equal(keep.selectedRequestId, 'r2');
});

test('the request log keeps the newest REQUEST_LOG_CAP entries, newest first, one per id', () => {
  let requests: RequestView[] = [];
  for (let i = 0; i < REQUEST_LOG_CAP + 25; i++) requests = mergeRequests(requests, [request(`r${i}`, i)]);
  assert.equal(requests.length, REQUEST_LOG_CAP);
  assert.equal(requests[0]?.id, `r${REQUEST_LOG_CAP + 24}`);
  assert.equal(requests.at(-1)?.id, 'r25');

  const again = mergeRequests(requests, [{ ...request(`r${REQUEST_LOG_CAP + 24}`, REQUEST_LOG_CAP + 24), status: 500 }]);
  assert.equal(again.length, REQUEST_LOG_CAP);
  assert.equal(again[0]?.status, 500);
});

test('a snapshot merged with live events keeps both, in start order', () => {
  const live = [request('late', 30)];
  const merged = mergeRequests(live, [request('old', 10), request('mid', 20)]);
  assert.deepEqual(merged.map((r) => r.id), ['late', 'mid', 'old']);
});

test('error events become notices, without duplicates and capped', () => {
  let notices = addNotice([], 'edge unreachable');
  notices = addNotice(notices, 'edge unreachable');
  assert.equal(notices.length, 1);
  for (let i = 0; i < 10; i++) notices = addNotice(notices, `problem ${i}`, 4);
  assert.deepEqual(notices.map((n) => n.message), ['problem 6', 'problem 7', 'problem 8', 'problem 9']);
  assert.equal(new Set(notices.map((n) => n.id)).size, 4);
});

test('upsertTunnel appends unknown tunnels', () => {
  assert.deepEqual(upsertTunnel([tunnel('a')], tunnel('b')).map((t) => t.id), ['a', 'b']);
});

/** A minimal service standing in for main/ so the store's own logic can be exercised. */
function fakeService() {
  const listeners: ((e: GatehouseEvent) => void)[] = [];
  const calls: string[] = [];
  const ok = <T,>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
  const api: GatehouseApi = {
    getInfo: async () => ({ version: '1', edge: { status: 'online' }, redirectUri: 'r', postLogoutRedirectUri: 'p', shell: 'headless' }),
    getSettings: async () => ({
      issuerUrl: '',
      clientId: '',
      scopes: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      groupsClaim: 'groups',
      allowEmails: [],
      allowDomains: [],
      allowGroups: [],
      edge: { kind: 'embedded', addr: '127.0.0.1:8080' },
      clientSecretStored: false,
      authtokenStored: false,
    }),
    saveSettings: async () => ({ ok: false, error: 'x' }),
    testConnection: async () => ({ ok: false, error: 'x' }),
    listTunnels: async () => [tunnel('t0')],
    addTunnel: (input) => (calls.push('add'), ok(tunnel('t1', { addr: input.addr }))),
    removeTunnel: (id) => (calls.push(`remove ${id}`), ok(null)),
    startTunnel: (id) => (calls.push(`start ${id}`), ok(tunnel(id, { status: 'starting' }))),
    stopTunnel: (id) => (calls.push(`stop ${id}`), ok(tunnel(id))),
    listRequests: async () => [request('r1', 1, 't0')],
    clearRequests: () => ok(null),
    copyText: () => ok(null),
    openExternal: () => ok(null),
    onEvent(listener) {
      listeners.push(listener);
      return () => {};
    },
  };
  return { api, listeners, calls, emit: (e: GatehouseEvent) => listeners.forEach((l) => l(e)) };
}

test('init loads the snapshot and subscribes to events exactly once', async () => {
  const service = fakeService();
  const store = createAppStore(service.api);
  await Promise.all([store.getState().init(), store.getState().init()]);
  await store.getState().init();
  assert.equal(service.listeners.length, 1);
  assert.equal(store.getState().status, 'ready');
  assert.deepEqual(store.getState().tunnels.map((t) => t.id), ['t0']);

  service.emit({ type: 'tunnel', tunnel: tunnel('t0', { status: 'online', publicUrl: 'http://x.localhost:8080' }) });
  service.emit({ type: 'request', request: request('r2', 2, 't0') });
  assert.equal(store.getState().tunnels[0]?.publicUrl, 'http://x.localhost:8080');
  assert.deepEqual(store.getState().requests.map((r) => r.id), ['r2', 'r1']);
});

test('createTunnel starts a tunnel the service added stopped, and records it', async () => {
  const service = fakeService();
  const store = createAppStore(service.api);
  const result = await store.getState().createTunnel({ addr: '3000', sso: false });
  assert.deepEqual(service.calls, ['add', 'start t1']);
  assert.ok(result.ok);
  assert.equal(store.getState().tunnels.find((t) => t.id === 't1')?.status, 'starting');
});

test('a failing call answers as a Result instead of throwing', async () => {
  const service = fakeService();
  service.api.stopTunnel = () => Promise.reject(new Error('Gatehouse is not answering.'));
  const store = createAppStore(service.api);
  const result = await store.getState().stopTunnel('t0');
  assert.deepEqual(result, { ok: false, error: 'Gatehouse is not answering.' });
});

test('removeTunnel and clearRequests update the state only once the service agreed', async () => {
  const service = fakeService();
  const store = createAppStore(service.api);
  await store.getState().init();
  await store.getState().clearRequests('t0');
  assert.equal(store.getState().requests.length, 0);
  await store.getState().removeTunnel('t0');
  assert.equal(store.getState().tunnels.length, 0);

  service.api.removeTunnel = async () => ({ ok: false, error: 'busy' });
  service.emit({ type: 'tunnel', tunnel: tunnel('t9') });
  await store.getState().removeTunnel('t9');
  assert.deepEqual(store.getState().tunnels.map((t) => t.id), ['t9']);
});
