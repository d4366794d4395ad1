// The app service: everything the renderer may do (preload/contract.ts), over the core.
// Imports nothing from Electron: the Electron shell (IPC) and headless mode (HTTP) are two thin
// adapters over this one object. Every argument is validated here (api-schema.ts).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type {
  ApiMethod,
  AppInfo,
  DiscoveryView,
  GatehouseApi,
  GatehouseEvent,
  RequestView,
  Result,
  SettingsInput,
  SettingsView,
  TunnelInput,
  TunnelView,
} from '../../preload/contract.ts';
import { Agent, type EdgeTarget } from '../agent/agent.ts';
import { parseLocalAddr } from '../agent/local-addr.ts';
import { agentUrlFor } from '../agent/edge-url.ts';
import { createSettingsStore, SettingsValidationError, type SettingsStore } from '../config/settings-store.ts';
import type { Settings } from '../config/schema.ts';
import { loadOrCreateSessionKey } from '../config/session-key.ts';
import { createKeychainStore, SecretAccounts, type SecretStore } from '../secrets/keychain.ts';
import { policyFromOidcFlags } from '../policy/index.ts';
import { CALLBACK_PATH, SIGNED_OUT_PATH } from '../oidc/paths.ts';
import { createLogger, type Logger } from '../common/log.ts';
import { parseHostPort } from '../common/net.ts';
import { nameProblem } from '../common/names.ts';
import { VERSION } from '../common/version.ts';
import { startEmbeddedEdge, type EmbeddedEdge } from './embedded-edge.ts';
import { checkArgs } from './api-schema.ts';
import { checkIssuer } from './discovery-check.ts';
import { RequestLog } from './request-log.ts';
import { fromInput, toView } from './settings-view.ts';
import { TunnelTable, startOnAgent, toRequestView, view } from './tunnels.ts';

export interface AppServiceOptions {
  shell: 'electron' | 'headless';
  /** Settings folder; the OS default when absent. */
  configDir?: string;
  /** Overrides the embedded edge's address from settings (e.g. `gatehouse start --edge-addr`). */
  edgeAddr?: string;
  secrets?: SecretStore;
  clipboard?: (text: string) => void;
  openExternal?: (url: string) => Promise<void>;
  /** Extra CA trusted for the IdP (a company CA; tests). */
  idpCa?: string | Buffer;
  log?: Logger;
}

export type AppService = Omit<GatehouseApi, 'onEvent'> & {
  onEvent(listener: (e: GatehouseEvent) => void): () => void;
  /** Call a method by name with unvalidated arguments (the adapters' entry point). */
  call(method: ApiMethod, args: unknown): Promise<unknown>;
  close(): Promise<void>;
};

export async function createAppService(opts: AppServiceOptions): Promise<AppService> {
  const log = opts.log ?? createLogger({ level: 'info' });
  const store: SettingsStore = createSettingsStore({ dir: opts.configDir });
  const secrets = opts.secrets ?? createKeychainStore();
  const events = new EventEmitter<{ event: [GatehouseEvent] }>();
  const emit = (e: GatehouseEvent) => events.emit('event', e);
  const requests = new RequestLog();
  const table = new TunnelTable((t) => emit({ type: 'tunnel', tunnel: t }));

  const { settings: loaded, problem } = await store.loadOrRecover();
  let settings: Settings = loaded;
  table.load(settings.tunnels);

  let info: AppInfo = { version: VERSION, edge: { status: 'starting' }, redirectUri: '', postLogoutRedirectUri: '', shell: opts.shell };
  let embedded: EmbeddedEdge | null = null;
  let agent: Agent | null = null;
  // Read from the keychain when the first SSO tunnel needs it, not at start (a slow or locked
  // keychain must not hold up the window), and kept for edge restarts.
  let sessionKeyLoad: Promise<Buffer> | null = null;
  const sessionKey = () =>
    (sessionKeyLoad ??= loadOrCreateSessionKey(secrets).catch((err: Error) => {
      // Sessions then last until the app quits; everything else works.
      log.warn('session key not kept in the keychain', { err });
      return randomBytes(32);
    }));

  const setInfo = (change: Partial<AppInfo>) => {
    info = { ...info, ...change };
    emit({ type: 'app', info });
  };

  /** (Re)start the edge connection from settings: the embedded edge, or a remote one. */
  async function connectEdge(): Promise<void> {
    await agent?.close(1000);
    await embedded?.close(1000);
    agent = null;
    embedded = null;
    for (const e of table.all()) if (e.status !== 'stopped') table.set(e, { status: 'stopped', publicUrl: undefined });
    let target: EdgeTarget;
    try {
      if (settings.edge.mode === 'embedded') {
        const { host, port } = parseHostPort(opts.edgeAddr ?? settings.edge.addr, '127.0.0.1');
        embedded = await startEmbeddedEdge({ host, port, sessionKey, idpCa: opts.idpCa, log: log.child({ component: 'edge' }) });
        target = embedded.agentTarget;
        setInfo({ edge: { status: 'online', url: embedded.edge.baseUrl }, redirectUri: embedded.redirectUri, postLogoutRedirectUri: embedded.postLogoutRedirectUri });
      } else {
        const base = new URL(settings.edge.url);
        const { caFile } = settings.edge;
        target = {
          edgeUrl: agentUrlFor(settings.edge.url),
          authtoken: (await secrets.get(SecretAccounts.authtoken)) ?? undefined,
          ca: caFile ? await readFile(caFile).catch((err: Error) => Promise.reject(new Error(`the edge's CA file ${caFile}: ${err.message}`))) : undefined,
        };
        // A first guess from the configured URL; the edge's welcome names its real public URL.
        const https = base.protocol === 'wss:' ? 'https:' : 'http:';
        setInfo({
          edge: { status: 'starting', url: `${https}//${base.host}` },
          redirectUri: `${https}//${base.host}${CALLBACK_PATH}`,
          postLogoutRedirectUri: `${https}//${base.host}${SIGNED_OUT_PATH}`,
        });
      }
    } catch (err) {
      const what = settings.edge.mode === 'embedded' ? 'The embedded edge could not start' : 'The remote edge could not be set up';
      setInfo({ edge: { status: 'error', reason: `${what}: ${(err as Error).message}` } });
      return;
    }
    const a = new Agent({ ...target, log: log.child({ component: 'agent' }), connections: settings.edge.mode === 'remote' ? 2 : 1 });
    agent = a;
    a.on('state', (s) => {
      if (settings.edge.mode === 'remote') setInfo({ edge: { ...info.edge, status: s.state === 'online' ? 'online' : s.state === 'offline' ? 'error' : 'starting', reason: s.reason } });
      table.onAgentState(s);
    });
    // The remote edge's own word on its public URL, which the configured agent URL only suggests.
    a.on('welcome', ({ baseUrl }) => {
      if (settings.edge.mode === 'remote') setInfo({ edge: { ...info.edge, url: baseUrl }, redirectUri: baseUrl + CALLBACK_PATH, postLogoutRedirectUri: baseUrl + SIGNED_OUT_PATH });
    });
    a.on('request', (r) => {
      const e = table.byBoundName(r.tunnel);
      if (!e) return;
      const v: RequestView = toRequestView(r, e.id);
      requests.add(v);
      emit({ type: 'request', request: v });
    });
    a.on('tunnel-error', ({ name, message }) => {
      const e = table.byBoundName(name);
      if (e) table.set(e, { status: 'error', reason: message, publicUrl: undefined });
    });
    a.start();
  }

  async function policyFor(sso: boolean): Promise<Result<Parameters<typeof startOnAgent>[3]>> {
    if (!sso) return { ok: true, value: undefined };
    if (!settings.clientId) return { ok: false, error: 'Single sign-on needs an Issuer URL and a Client ID: fill them in under Settings, or turn SSO off for this tunnel.' };
    const clientSecret = (await secrets.get(SecretAccounts.oidcClientSecret)) ?? undefined;
    if (!clientSecret && settings.tokenEndpointAuthMethod !== 'none') {
      return { ok: false, error: 'Single sign-on needs the client secret: paste it under Settings (it is kept in the OS keychain).' };
    }
    return {
      ok: true,
      value: policyFromOidcFlags({
        issuer: settings.issuerUrl,
        clientId: settings.clientId,
        clientSecret,
        scopes: settings.scopes,
        allowEmails: settings.allowEmails,
        allowDomains: settings.allowDomains,
        allowGroups: settings.allowGroups,
        groupsClaim: settings.groupsClaim,
        authMethod: settings.tokenEndpointAuthMethod,
      }),
    };
  }

  async function secretFlags(): Promise<{ clientSecret: boolean; authtoken: boolean }> {
    const [c, a] = await Promise.all([secrets.get(SecretAccounts.oidcClientSecret), secrets.get(SecretAccounts.authtoken)]);
    return { clientSecret: c !== null, authtoken: a !== null };
  }

  const persistTunnels = async () => {
    settings = await store.update((cur) => ({ ...cur, tunnels: table.saved() }));
  };

  const api: Omit<GatehouseApi, 'onEvent'> = {
    async getInfo() {
      return info;
    },
    async getSettings(): Promise<SettingsView> {
      return toView(settings, await secretFlags().catch(() => ({ clientSecret: false, authtoken: false })));
    },
    async saveSettings(input: SettingsInput): Promise<Result<SettingsView>> {
      const edgeBefore = JSON.stringify(settings.edge);
      try {
        settings = await store.save(fromInput(settings, input));
      } catch (err) {
        if (err instanceof SettingsValidationError) {
          return { ok: false, error: 'Some settings need fixing.', fields: Object.entries(err.errors).map(([field, message]) => ({ field, message })) };
        }
        return { ok: false, error: `Settings could not be saved: ${(err as Error).message}` };
      }
      try {
        if (input.clientSecret === null) await secrets.delete(SecretAccounts.oidcClientSecret);
        else if (input.clientSecret) await secrets.set(SecretAccounts.oidcClientSecret, input.clientSecret);
        if (input.authtoken === null) await secrets.delete(SecretAccounts.authtoken);
        else if (input.authtoken) await secrets.set(SecretAccounts.authtoken, input.authtoken);
      } catch (err) {
        return { ok: false, error: `Settings were saved, but the secret could not be stored in the OS keychain: ${(err as Error).message}` };
      }
      if (JSON.stringify(settings.edge) !== edgeBefore || (input.authtoken !== undefined && settings.edge.mode === 'remote')) await connectEdge();
      return { ok: true, value: await api.getSettings() };
    },
    async testConnection(issuerUrl: string): Promise<Result<DiscoveryView>> {
      return checkIssuer(issuerUrl.trim(), opts.idpCa);
    },
    async listTunnels() {
      return table.all().map(view);
    },
    async addTunnel(input: TunnelInput): Promise<Result<TunnelView>> {
      const fields = [];
      try {
        parseLocalAddr(input.addr);
      } catch (err) {
        fields.push({ field: 'addr', message: (err as Error).message });
      }
      const name = input.name?.trim().toLowerCase() || undefined;
      const problem = name ? nameProblem(name) : null;
      if (problem) fields.push({ field: 'name', message: problem });
      if (name && table.all().some((e) => e.name === name)) fields.push({ field: 'name', message: `Another tunnel already uses the name "${name}"` });
      if (fields.length) return { ok: false, error: fields.map((f) => f.message).join('; '), fields };
      const e = table.add({ addr: input.addr.trim(), name, sso: input.sso });
      await persistTunnels();
      emit({ type: 'tunnel', tunnel: view(e) });
      return { ok: true, value: view(e) };
    },
    async removeTunnel(id: string): Promise<Result<null>> {
      const e = table.get(id);
      if (!e) return { ok: false, error: 'No such tunnel' };
      if (e.status !== 'stopped') await api.stopTunnel(id);
      table.remove(id);
      requests.clear(id);
      await persistTunnels();
      emit({ type: 'tunnel-removed', id });
      return { ok: true, value: null };
    },
    async startTunnel(id: string): Promise<Result<TunnelView>> {
      const e = table.get(id);
      if (!e) return { ok: false, error: 'No such tunnel' };
      if (e.status === 'online' || e.status === 'starting') return { ok: true, value: view(e) };
      if (!agent) {
        const why = info.edge.reason ?? 'the edge is not running';
        table.set(e, { status: 'error', reason: why });
        return { ok: false, error: why };
      }
      const policy = await policyFor(e.sso);
      if (!policy.ok) {
        table.set(e, { status: 'error', reason: policy.error });
        return policy;
      }
      const v = await startOnAgent(table, e, agent, policy.value);
      return v.status === 'error' ? { ok: false, error: v.reason ?? 'The tunnel could not start' } : { ok: true, value: v };
    },
    async stopTunnel(id: string): Promise<Result<TunnelView>> {
      const e = table.get(id);
      if (!e) return { ok: false, error: 'No such tunnel' };
      if (e.boundName) await agent?.unbind(e.boundName);
      table.set(e, { status: 'stopped', publicUrl: undefined });
      return { ok: true, value: view(e) };
    },
    async listRequests(tunnelId?: string) {
      return requests.list(tunnelId);
    },
    async clearRequests(tunnelId?: string): Promise<Result<null>> {
      requests.clear(tunnelId);
      return { ok: true, value: null };
    },
    async copyText(text: string): Promise<Result<null>> {
      if (!opts.clipboard) return { ok: true, value: null }; // headless: the page copies in the browser
      opts.clipboard(text);
      return { ok: true, value: null };
    },
    async openExternal(url: string): Promise<Result<null>> {
      if (!isAllowedExternal(url, table.all().map((t) => t.publicUrl), settings.issuerUrl)) {
        return { ok: false, error: 'That link is not one Gatehouse opens.' };
      }
      if (!opts.openExternal) return { ok: false, error: 'Open the link from the page instead.' };
      await opts.openExternal(url);
      return { ok: true, value: null };
    },
  };

  await connectEdge();
  if (problem) setTimeout(() => emit({ type: 'error', message: problem.message }), 0);

  return {
    ...api,
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    async call(method, args) {
      const checked = checkArgs(method, args);
      return (api[method] as (...a: unknown[]) => Promise<unknown>)(...checked);
    },
    async close() {
      await agent?.close(5000);
      await embedded?.close(5000);
    },
  };
}

/** External links the app opens: a tunnel's own URL, the IdP, JumpCloud's console and docs. */
export function isAllowedExternal(url: string, tunnelUrls: (string | undefined)[], issuerUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  if (u.username || u.password) return false;
  const origins = new Set<string>(['https://console.jumpcloud.com', 'https://jumpcloud.com']);
  for (const t of tunnelUrls) if (t) origins.add(new URL(t).origin);
  try {
    origins.add(new URL(issuerUrl).origin);
  } catch {
    /* an invalid issuer simply adds nothing */
  }
  return origins.has(u.origin);
}
