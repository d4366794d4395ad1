// The object the preload exposes as window.gatehouse: exactly the contract, one IPC channel per
// method, events without the IpcRendererEvent. The ipcRenderer stand-in is a plain EventEmitter
// that records invoke calls; the bridge under test is the real one bundled into the preload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { API_METHODS, EVENT_CHANNEL, IPC_PREFIX, type GatehouseEvent } from '../../preload/contract.ts';
import { createBridge, type IpcRendererPort } from '../../preload/bridge.ts';

function fakeIpc() {
  const emitter = new EventEmitter();
  const calls: [string, unknown[]][] = [];
  const port: IpcRendererPort = {
    invoke: async (channel, ...args) => {
      calls.push([channel, args]);
      return { channel };
    },
    on: (channel, listener) => emitter.on(channel, listener),
    removeListener: (channel, listener) => emitter.removeListener(channel, listener),
  };
  return { port, emitter, calls };
}

test('exposes exactly the contract: the API methods and onEvent, nothing else', () => {
  const api = createBridge(fakeIpc().port);
  assert.deepEqual(Object.keys(api).sort(), [...API_METHODS, 'onEvent'].sort());
  for (const k of Object.keys(api)) assert.equal(typeof (api as unknown as Record<string, unknown>)[k], 'function', k);
  assert.ok(Object.isFrozen(api));
});

test('each method invokes its own prefixed channel with the arguments as given', async () => {
  const { port, calls } = fakeIpc();
  const api = createBridge(port);
  assert.deepEqual(await api.getInfo(), { channel: `${IPC_PREFIX}getInfo` });
  await api.saveSettings({ issuerUrl: 'https://oauth.id.jumpcloud.com/', clientId: 'abc', clientSecret: 's3cret' });
  await api.startTunnel('t1');
  await api.listRequests();
  assert.deepEqual(calls, [
    ['gatehouse:getInfo', []],
    ['gatehouse:saveSettings', [{ issuerUrl: 'https://oauth.id.jumpcloud.com/', clientId: 'abc', clientSecret: 's3cret' }]],
    ['gatehouse:startTunnel', ['t1']],
    ['gatehouse:listRequests', []],
  ]);
});

test('onEvent hands the page only the event, and unsubscribing stops delivery', () => {
  const { port, emitter } = fakeIpc();
  const api = createBridge(port);
  const got: unknown[][] = [];
  const off = api.onEvent((...args: unknown[]) => got.push(args));
  const e: GatehouseEvent = { type: 'error', message: 'edge unreachable' };
  const ipcEvent = { sender: { send() {} }, ports: [] }; // what Electron passes first: must not reach the page
  emitter.emit(EVENT_CHANNEL, ipcEvent, e);
  assert.deepEqual(got, [[e]]);
  off();
  off(); // idempotent
  emitter.emit(EVENT_CHANNEL, ipcEvent, e);
  assert.equal(got.length, 1);
  assert.equal(emitter.listenerCount(EVENT_CHANNEL), 0);
  assert.throws(() => api.onEvent('nope' as unknown as () => void), TypeError);
});
