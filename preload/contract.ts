// The one contract between the renderer and the main process. The preload exposes `GatehouseApi`
// as `window.gatehouse` over IPC; headless mode serves the same calls over HTTP + an event stream.
// Types only plus the channel list: this file is imported by renderer, preload and main alike,
// so it must not import Node, Electron or React.

export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Non-secret settings as the renderer sees them. Secrets are write-only: only `*Stored` flags come back. */
export interface SettingsView {
  issuerUrl: string;
  clientId: string;
  scopes: string[];
  tokenEndpointAuthMethod: TokenAuthMethod;
  groupsClaim: string;
  allowEmails: string[];
  allowDomains: string[];
  allowGroups: string[];
  edge: { kind: 'embedded'; addr: string } | { kind: 'remote'; url: string };
  clientSecretStored: boolean;
  authtokenStored: boolean;
}

/** What the settings form saves. `clientSecret`/`authtoken`: a string sets it, `null` clears it, absent keeps it. */
export interface SettingsInput {
  issuerUrl: string;
  clientId: string;
  scopes?: string[];
  tokenEndpointAuthMethod?: TokenAuthMethod;
  groupsClaim?: string;
  allowEmails?: string[];
  allowDomains?: string[];
  allowGroups?: string[];
  edge?: { kind: 'embedded'; addr: string } | { kind: 'remote'; url: string };
  clientSecret?: string | null;
  authtoken?: string | null;
}

/** A validation failure, mapped to the form field it belongs to. */
export interface FieldError {
  field: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string; fields?: FieldError[] };

export type TunnelStatus = 'stopped' | 'starting' | 'online' | 'reconnecting' | 'error';

export interface TunnelView {
  id: string;
  addr: string;
  name?: string;
  sso: boolean;
  status: TunnelStatus;
  /** Why it is in that state, in words a user understands. */
  reason?: string;
  publicUrl?: string;
}

export interface TunnelInput {
  addr: string;
  name?: string;
  sso: boolean;
}

export interface RequestView {
  id: string;
  tunnelId: string;
  startedAt: number;
  durationMs: number;
  method: string;
  path: string;
  status: number;
  user?: string;
  /** Session cookie and Authorization values arrive already masked. */
  requestHeaders: [string, string][];
  responseHeaders: [string, string][];
}

export interface AppInfo {
  version: string;
  edge: { status: 'starting' | 'online' | 'error'; url?: string; reason?: string };
  /** The Redirect URI to register in JumpCloud, and the post-logout URI. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** `electron` or `headless`, so the UI can hide what the shell cannot do. */
  shell: 'electron' | 'headless';
}

export interface DiscoveryView {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint?: string;
  endSessionEndpoint?: string;
  tokenEndpointAuthMethods: string[];
  scopesSupported: string[];
}

export type GatehouseEvent =
  | { type: 'tunnel'; tunnel: TunnelView }
  | { type: 'tunnel-removed'; id: string }
  | { type: 'request'; request: RequestView }
  | { type: 'app'; info: AppInfo }
  | { type: 'error'; message: string };

export interface GatehouseApi {
  getInfo(): Promise<AppInfo>;
  getSettings(): Promise<SettingsView>;
  saveSettings(input: SettingsInput): Promise<Result<SettingsView>>;
  testConnection(issuerUrl: string): Promise<Result<DiscoveryView>>;
  listTunnels(): Promise<TunnelView[]>;
  addTunnel(input: TunnelInput): Promise<Result<TunnelView>>;
  removeTunnel(id: string): Promise<Result<null>>;
  startTunnel(id: string): Promise<Result<TunnelView>>;
  stopTunnel(id: string): Promise<Result<TunnelView>>;
  listRequests(tunnelId?: string): Promise<RequestView[]>;
  clearRequests(tunnelId?: string): Promise<Result<null>>;
  copyText(text: string): Promise<Result<null>>;
  openExternal(url: string): Promise<Result<null>>;
  /** Returns the unsubscribe function. */
  onEvent(listener: (event: GatehouseEvent) => void): () => void;
}

/** Request/response calls: the method name is the channel (prefixed), arguments travel as an array. */
export const API_METHODS = [
  'getInfo',
  'getSettings',
  'saveSettings',
  'testConnection',
  'listTunnels',
  'addTunnel',
  'removeTunnel',
  'startTunnel',
  'stopTunnel',
  'listRequests',
  'clearRequests',
  'copyText',
  'openExternal',
] as const satisfies readonly Exclude<keyof GatehouseApi, 'onEvent'>[];

export type ApiMethod = (typeof API_METHODS)[number];
export const IPC_PREFIX = 'gatehouse:';
export const EVENT_CHANNEL = 'gatehouse:event';
