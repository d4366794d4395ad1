// The object the preload exposes as `window.gatehouse`: each contract method becomes one
// `ipcRenderer.invoke` on its own channel, events arrive on one channel. Kept apart from
// preload.ts (which needs Electron) so it is tested in Node; esbuild bundles it into the preload.
// The page gets functions only: never ipcRenderer, and never the IpcRendererEvent (its `sender`
// is ipcRenderer itself).
import { API_METHODS, EVENT_CHANNEL, IPC_PREFIX, type GatehouseApi, type GatehouseEvent } from './contract.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createBridge(ipc: IpcRendererPort): GatehouseApi {
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = (...args: unknown[]) => ipc.invoke(IPC_PREFIX + method, ...args);
  }
  api.onEvent = (listener: (event: GatehouseEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const relay = (_event: unknown, payload: unknown) => listener(payload as GatehouseEvent);
    ipc.on(EVENT_CHANNEL, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(EVENT_CHANNEL, relay);
    };
  };
  return Object.freeze(api) as unknown as GatehouseApi;
}
