// The real edge and a real agent with an SSO policy per tunnel, in front of a local echo app:
// what the OIDC tests run against. Tunnels are bound through the agent exactly as the CLI does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../main/common/log.ts';
import { startEdge } from '../../main/edge/edge.ts';
import { createSso } from '../../main/edge/sso.ts';
import { Agent } from '../../main/agent/agent.ts';
import type { OidcService } from '../../main/oidc/index.ts';
import type { OpenIdConnectConfig, PolicyDocument, TunnelRef } from '../../main/policy/types.ts';
import { TOKEN } from './tunnel.ts';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface OidcTestEdge {
  port: number;
  /** `http://localhost:PORT`. */
  baseUrl: string;
  service: OidcService;
  /** Log lines of the edge (the OIDC service's among them). */
  logLines: string[];
  /** Every request the app received, in order. */
  appRequests: EchoedRequest[];
  addTunnel(name: string, config: OpenIdConnectConfig): Promise<TunnelRef>;
  removeTunnel(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface OidcTestEdgeOptions {
  sessionKey: Buffer;
  fetchCa?: string;
}

export function oidcConfig(over: Partial<OpenIdConnectConfig> & Pick<OpenIdConnectConfig, 'issuerUrl' | 'clientId'>): OpenIdConnectConfig {
  return {
    scopes: ['openid', 'profile', 'email'],
    authzUrlParams: {},
    maxSessionDurationSec: 7 * 24 * 3600,
    idleSessionDurationSec: 24 * 3600,
    allowCorsPreflight: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    groupsClaim: 'groups',
    allow: { emails: [], domains: [], groups: [] },
    ...over,
  };
}

/** The policy file a user would write for this config. */
export function policyFor(c: OpenIdConnectConfig): PolicyDocument {
  const config: Record<string, unknown> = {
    issuer_url: c.issuerUrl,
    client_id: c.clientId,
    scopes: c.scopes,
    authz_url_params: c.authzUrlParams,
    max_session_duration: `${c.maxSessionDurationSec}s`,
    idle_session_duration: `${c.idleSessionDurationSec}s`,
    allow_cors_preflight: c.allowCorsPreflight,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    groups_claim: c.groupsClaim,
    allow_emails: c.allow.emails,
    allow_domains: c.allow.domains,
    allow_groups: c.allow.groups,
  };
  if (c.clientSecret !== undefined) config.client_secret = c.clientSecret;
  if (c.authId !== undefined) config.auth_id = c.authId;
  if (c.userinfoRefreshIntervalSec !== undefined) config.userinfo_refresh_interval = `${c.userinfoRefreshIntervalSec}s`;
  return { on_http_request: [{ actions: [{ type: 'openid-connect', config }] }] };
}

export async function startOidcTestEdge(opts: OidcTestEdgeOptions): Promise<OidcTestEdge> {
  const appRequests: EchoedRequest[] = [];
  const app = http.createServer((req, res) => {
    appRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'app_cookie=1; Path=/' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as AddressInfo).port;

  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'logfmt', write: (l) => logLines.push(l) });
  let sso: ReturnType<typeof createSso> | null = null;
  const edge = await startEdge({
    host: '127.0.0.1',
    port: 0,
    authorize: (t) => (t === TOKEN ? { label: 'test' } : null),
    policyFactory: (doc, tunnel) => sso!.policyFactory(doc, tunnel),
    edgeHandler: (req, res) => sso!.handleEdgeRequest(req, res),
    log,
  });
  sso = createSso({ baseUrl: edge.baseUrl, sessionKey: opts.sessionKey, idpCa: opts.fetchCa, log });
  const agent = new Agent({ edgeUrl: edge.agentUrl, authtoken: TOKEN });
  agent.start();
  await agent.waitOnline();

  return {
    port: edge.port,
    baseUrl: edge.baseUrl,
    service: sso.service,
    logLines,
    appRequests,
    async addTunnel(name, config) {
      const t = await agent.bind({ addr: `127.0.0.1:${appPort}`, name, policy: policyFor(config) });
      return { name: t.name, hostname: new URL(t.publicUrl).host, publicUrl: t.publicUrl };
    },
    removeTunnel: (name) => agent.unbind(name),
    async close() {
      await agent.close(0);
      await edge.close(0);
      await new Promise<void>((r) => (app.closeAllConnections(), app.close(() => r())));
    },
  };
}
