// The renderer's one store: what the service told us (info, settings, tunnels, requests) plus UI
// state (current view, selection). Service events are folded in by pure functions exported for
// tests; the store subscribes to api.onEvent exactly once. No React here: the hook lives in context.ts.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppInfo,
  GatehouseApi,
  GatehouseEvent,
  RequestView,
  Result,
  SettingsInput,
  SettingsView,
  TunnelInput,
  TunnelView,
} from '../preload/contract.ts';

/** The inspector keeps this many requests (newest first); older ones fall off. */
export const REQUEST_LOG_CAP = 500;
/** At most this many error notices stay on screen. */
export const NOTICE_CAP = 4;

export type ViewName = 'tunnels' | 'requests' | 'settings';
export const VIEWS: readonly ViewName[] = ['tunnels', 'requests', 'settings'];

export interface Notice {
  id: number;
  message: string;
}

export interface DataState {
  info: AppInfo | null;
  settings: SettingsView | null;
  tunnels: TunnelView[];
  /** Newest first, at most REQUEST_LOG_CAP. */
  requests: RequestView[];
  notices: Notice[];
  selectedRequestId: string | null;
}

// ---- pure reducers -------------------------------------------------------------------------

/** Replaces the tunnel with the same id in place (keeping the list's order), or appends it. */
export function upsertTunnel(tunnels: TunnelView[], tunnel: TunnelView): TunnelView[] {
  const index = tunnels.findIndex((t) => t.id === tunnel.id);
  if (index === -1) return [...tunnels, tunnel];
  const next = tunnels.slice();
  next[index] = tunnel;
  return next;
}

/** Merges requests into the log: one entry per id, newest start first, capped. */
export function mergeRequests(existing: RequestView[], incoming: RequestView[], cap = REQUEST_LOG_CAP): RequestView[] {
  if (incoming.length === 0) return existing.length > cap ? existing.slice(0, cap) : existing;
  const ids = new Set(incoming.map((r) => r.id));
  const merged = [...incoming, ...existing.filter((r) => !ids.has(r.id))];
  merged.sort((a, b) => b.startedAt - a.startedAt);
  return merged.slice(0, cap);
}

/** Drops a tunnel and the requests it served; clears the selection when it pointed at one of them. */
export function withoutTunnel(state: DataState, id: string): Pick<DataState, 'tunnels' | 'requests' | 'selectedRequestId'> {
  return { tunnels: state.tunnels.filter((t) => t.id !== id), ...withoutRequests(state, id) };
}

/** Drops the requests of one tunnel, or all of them. */
export function withoutRequests(state: DataState, tunnelId?: string): Pick<DataState, 'requests' | 'selectedRequestId'> {
  const requests = tunnelId === undefined ? [] : state.requests.filter((r) => r.tunnelId !== tunnelId);
  const keepSelection = state.selectedRequestId !== null && requests.some((r) => r.id === state.selectedRequestId);
  return { requests, selectedRequestId: keepSelection ? state.selectedRequestId : null };
}

export function addNotice(notices: Notice[], message: string, cap = NOTICE_CAP): Notice[] {
  if (notices.some((n) => n.message === message)) return notices;
  const id = (notices.at(-1)?.id ?? 0) + 1;
  return [...notices, { id, message }].slice(-cap);
}

/** Folds one service event into the state; returns only what changed. */
export function reduceEvent(state: DataState, event: GatehouseEvent): Partial<DataState> {
  switch (event.type) {
    case 'tunnel':
      return { tunnels: upsertTunnel(state.tunnels, event.tunnel) };
    case 'tunnel-removed':
      return withoutTunnel(state, event.id);
    case 'request':
      return { requests: mergeRequests(state.requests, [event.request]) };
    case 'app':
      return { info: event.info };
    case 'error':
      return { notices: addNotice(state.notices, event.message) };
    default:
      return {};
  }
}

// ---- the store -----------------------------------------------------------------------------

export interface AppState extends DataState {
  status: 'loading' | 'ready' | 'failed';
  loadError: string | null;
  view: ViewName;
  /** Tunnel id the Requests view shows, or null for all. */
  requestFilter: string | null;

  init(): Promise<void>;
  refresh(): Promise<void>;
  applyEvent(event: GatehouseEvent): void;
  setView(view: ViewName): void;
  selectRequest(id: string | null): void;
  setRequestFilter(tunnelId: string | null): void;
  notify(message: string): void;
  dismissNotice(id: number): void;

  saveSettings(input: SettingsInput): Promise<Result<SettingsView>>;
  /** Adds a tunnel and starts it unless the service already did. */
  createTunnel(input: TunnelInput): Promise<Result<TunnelView>>;
  startTunnel(id: string): Promise<Result<TunnelView>>;
  stopTunnel(id: string): Promise<Result<TunnelView>>;
  removeTunnel(id: string): Promise<Result<null>>;
  clearRequests(tunnelId?: string): Promise<Result<null>>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A call that failed in transport still answers as a Result, so the form can show why. */
export async function settle<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
}

export function createAppStore(api: GatehouseApi, initialView: ViewName = 'tunnels'): StoreApi<AppState> {
  let started: Promise<void> | null = null;

  return createStore<AppState>()((set, get) => {
    const putTunnel = (result: Result<TunnelView>): Result<TunnelView> => {
      if (result.ok) set((s) => ({ tunnels: upsertTunnel(s.tunnels, result.value) }));
      return result;
    };

    return {
      info: null,
      settings: null,
      tunnels: [],
      requests: [],
      notices: [],
      selectedRequestId: null,
      status: 'loading',
      loadError: null,
      view: initialView,
      requestFilter: null,

      init() {
        // Subscribe before the first fetch so no event falls between snapshot and stream.
        started ??= (async () => {
          api.onEvent((event) => get().applyEvent(event));
          await get().refresh();
        })();
        return started;
      },

      async refresh() {
        try {
          const [info, settings, tunnels, requests] = await Promise.all([
            api.getInfo(),
            api.getSettings(),
            api.listTunnels(),
            api.listRequests(),
          ]);
          set((s) => ({
            info,
            settings,
            tunnels,
            requests: mergeRequests(s.requests, requests),
            status: 'ready',
            loadError: null,
          }));
        } catch (error) {
          set({ status: get().status === 'ready' ? 'ready' : 'failed', loadError: describe(error) });
        }
      },

      applyEvent(event) {
        set((s) => reduceEvent(s, event));
      },
      setView(view) {
        set({ view });
      },
      selectRequest(id) {
        set({ selectedRequestId: id });
      },
      setRequestFilter(tunnelId) {
        set({ requestFilter: tunnelId });
      },
      notify(message) {
        set((s) => ({ notices: addNotice(s.notices, message) }));
      },
      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },

      async saveSettings(input) {
        const result = await settle(() => api.saveSettings(input));
        if (result.ok) set({ settings: result.value });
        return result;
      },

      async createTunnel(input) {
        const added = putTunnel(await settle(() => api.addTunnel(input)));
        if (!added.ok || added.value.status !== 'stopped') return added;
        return putTunnel(await settle(() => api.startTunnel(added.value.id)));
      },

      async startTunnel(id) {
        return putTunnel(await settle(() => api.startTunnel(id)));
      },

      async stopTunnel(id) {
        return putTunnel(await settle(() => api.stopTunnel(id)));
      },

      async removeTunnel(id) {
        const result = await settle(() => api.removeTunnel(id));
        if (result.ok) set((s) => withoutTunnel(s, id));
        return result;
      },

      async clearRequests(tunnelId) {
        const result = await settle(() => api.clearRequests(tunnelId));
        if (result.ok) set((s) => withoutRequests(s, tunnelId));
        return result;
      },
    };
  });
}
