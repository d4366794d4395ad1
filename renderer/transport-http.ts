// The contract over HTTP, for headless mode (`gatehouse start`): each call is
// `POST /api/call/<method>` with `{"args":[...]}`; the answer is `{"ok":true,"value":...}` or
// `{"ok":false,"error":"..."}` for a transport failure. Events arrive on `EventSource('/api/events')`,
// one JSON GatehouseEvent per message. Same origin only: the server checks Origin on every call.
import {
  API_METHODS,
  type ApiMethod,
  type GatehouseApi,
  type GatehouseEvent,
} from '../preload/contract.ts';

/** Methods whose value is itself a Result: a transport failure becomes `{ok:false}` instead of a throw. */
const RESULT_METHODS: ReadonlySet<ApiMethod> = new Set<ApiMethod>([
  'saveSettings',
  'testConnection',
  'addTunnel',
  'removeTunnel',
  'startTunnel',
  'stopTunnel',
  'clearRequests',
  'copyText',
  'openExternal',
]);

export interface HttpTransportOptions {
  /** Origin the page came from; calls go nowhere else. */
  origin?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
  /** Called when the event stream comes back after a drop, so the caller can refetch what it missed. */
  onReconnect?: () => void;
}

const UNREACHABLE = 'Gatehouse is not answering. Is `gatehouse start` still running?';

interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && typeof (body as Envelope).ok === 'boolean';
}

export function createHttpApi(options: HttpTransportOptions = {}): GatehouseApi {
  const origin = options.origin ?? globalThis.location.origin;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;

  async function transport(method: ApiMethod, args: unknown[]): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${origin}/api/call/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ args }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      throw new Error(UNREACHABLE);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new Error(`Gatehouse answered ${response.status} without a readable body.`);
    }
    if (!isEnvelope(body)) throw new Error(`Gatehouse answered ${response.status} with an unexpected body.`);
    if (!body.ok) throw new Error(typeof body.error === 'string' ? body.error : `Request failed (${response.status}).`);
    return body.value;
  }

  async function call(method: ApiMethod, args: unknown[]): Promise<unknown> {
    if (!RESULT_METHODS.has(method)) return transport(method, args);
    try {
      return await transport(method, args);
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  const listeners = new Set<(event: GatehouseEvent) => void>();
  let source: EventSource | null = null;
  let dropped = false;

  function openStream(): void {
    if (source) return;
    source = new EventSourceImpl(`${origin}/api/events`);
    source.onmessage = (message: MessageEvent<string>) => {
      let event: GatehouseEvent;
      try {
        event = JSON.parse(message.data) as GatehouseEvent;
      } catch {
        return; // a malformed message is dropped, never fatal
      }
      for (const listener of listeners) listener(event);
    };
    source.onerror = () => {
      dropped = true; // EventSource retries by itself; we refetch when it is back
    };
    source.onopen = () => {
      if (dropped) {
        dropped = false;
        options.onReconnect?.();
      }
    };
  }

  const api: Partial<GatehouseApi> = {
    onEvent(listener) {
      listeners.add(listener);
      openStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
  for (const method of API_METHODS) {
    (api as Record<string, unknown>)[method] = (...args: unknown[]) => call(method, args);
  }
  return api as GatehouseApi;
}
