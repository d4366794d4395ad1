// Shared shapes of the HTTP request pipeline at the edge. The edge builds a RequestContext for
// every visitor request, runs the tunnel's traffic policy over it, and forwards what is left.
// `--oidc*` flags are turned into an equivalent policy, so there is one mechanism, not two.

/** Who the visitor is, once an openid-connect action has let them in. */
export interface Identity {
  /** The IdP's `sub` claim. */
  id: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  preferredUsername?: string;
  groups: string[];
}

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface TunnelRef {
  /** The tunnel's name, the first label of its hostname. */
  name: string;
  /** e.g. `abc123.localhost:8080` (lower case, with the port when not the scheme's default). */
  hostname: string;
  /** e.g. `http://abc123.localhost:8080`. */
  publicUrl: string;
}

export interface Reply {
  status: number;
  headers?: HeaderMap;
  body?: string | Buffer;
}

/** One visitor request while the policy runs over it. */
export interface RequestContext {
  readonly method: string;
  /** Path and query exactly as the visitor sent them. */
  readonly target: string;
  /** The URL the visitor used, with the edge's public scheme and the tunnel's host. */
  readonly url: URL;
  /** Headers that will be forwarded to the app; actions add, remove and rewrite them. Lower-case keys. */
  readonly headers: HeaderMap;
  readonly clientIp: string;
  /** True for a WebSocket (or other) upgrade: a reply is written raw to the socket. */
  readonly isUpgrade: boolean;
  readonly tunnel: TunnelRef;
  /** Set by the openid-connect action. */
  identity?: Identity;
  /** Headers added to the app's response on the way back (e.g. a rolled session cookie). */
  readonly responseHeaders: HeaderMap;
  /** Answer the visitor directly; the request then never reaches the app. */
  reply(reply: Reply): void;
  /** Whether reply() was called. */
  readonly replied: boolean;
}

/** The app's response head, mutable by on_http_response actions. */
export interface ResponseContext {
  status: number;
  readonly headers: HeaderMap;
}

/** A signed-in visitor let in without a request context (see HttpPolicy.admitSignedIn). */
export interface SignedIn {
  /** The rolled session cookie, when one is due: a Set-Cookie value for the response. */
  setCookie: string | null;
}

/** An action in a policy rule. `run` either leaves the request to the next action or replies. */
export interface HttpRequestAction {
  readonly type: string;
  run(ctx: RequestContext): Promise<void> | void;
  /**
   * openid-connect's shortcut for a visitor with a live session, on the edge's flat header list
   * (names and values alternating) of a request whose target is not a reserved path: when it lets
   * them in, it takes Gatehouse's cookies out and adds the identity headers in place; null leaves
   * the list untouched, for run().
   */
  admitFlat?(headers: string[]): SignedIn | null;
  /** Release timers or caches when the tunnel goes away. */
  close?(): void;
}

export interface HttpResponseAction {
  readonly type: string;
  run(ctx: RequestContext, res: ResponseContext): void;
}

/** The compiled policy of one tunnel. */
export interface HttpPolicy {
  /** False when the policy has no on_http_response rules: the edge then skips that phase. */
  readonly hasResponseRules: boolean;
  /** Runs synchronously as far as it can: a promise only when an action has to wait (an IdP call). */
  onRequest(ctx: RequestContext): Promise<void> | void;
  /**
   * Present when the policy is a single openid-connect action (the `--oidc` flags, the JumpCloud
   * guide's policy file): a signed-in request then needs no request context and no header map.
   * Null: run onRequest.
   */
  readonly admitSignedIn?: (headers: string[]) => SignedIn | null;
  onResponse(ctx: RequestContext, res: ResponseContext): void;
  close(): void;
}

/** The raw policy document as the agent sends it to the edge (parsed YAML/JSON). */
export type PolicyDocument = Record<string, unknown>;

/**
 * The `openid-connect` action's config, validated. ngrok's field names in the policy file; the
 * fields marked "Gatehouse" are our additions (ngrok has no allow-lists inside the action).
 */
export interface OpenIdConnectConfig {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  /** Names the session cookie, so two actions on one host keep separate sessions. */
  authId?: string;
  authzUrlParams: Record<string, string>;
  maxSessionDurationSec: number;
  idleSessionDurationSec: number;
  userinfoRefreshIntervalSec?: number;
  allowCorsPreflight: boolean;
  /** Gatehouse: `client_secret_basic` (default, JumpCloud's "Client Secret Basic"), `client_secret_post`, or `none` (PKCE only). */
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Gatehouse: the claim that holds groups; default `groups`. */
  groupsClaim: string;
  /** Gatehouse: who may enter; empty lists mean anyone the IdP lets log in. */
  allow: { emails: string[]; domains: string[]; groups: string[] };
}
