// The edge that runs inside the desktop app and `gatehouse http`: on loopback, tunnels at
// http://<name>.localhost:<port>, serving only the agent that holds its in-process token. The SSO machinery (policy compiler, OIDC service, their
// libraries) loads with the first tunnel that has a policy, so plain tunnels start fast and small.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { startEdge, type Edge } from '../edge/edge.ts';
import type { Sso } from '../edge/sso.ts';
import { CALLBACK_PATH, SIGNED_OUT_PATH } from '../oidc/paths.ts';
import type { Logger } from '../common/log.ts';
import type { EdgeTarget } from '../agent/agent.ts';

export interface EmbeddedEdgeOptions {
  host: string;
  port: number;
  /** The 32-byte key sealing session cookies, persisted by the caller so restarts keep sessions; asked for with the first SSO tunnel. */
  sessionKey?: () => Promise<Buffer>;
  /** Extra CA trusted for the IdP (a company CA; tests). */
  idpCa?: string | Buffer;
  log: Logger;
}

export interface EmbeddedEdge {
  edge: Edge;
  /** How the agent of this process reaches this edge: its URL, the one token it accepts, and a private local socket. */
  agentTarget: EdgeTarget;
  /** Register this once in the IdP: one redirect URI serves every tunnel. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  close(graceMs?: number): Promise<void>;
}

export async function startEmbeddedEdge(opts: EmbeddedEdgeOptions): Promise<EmbeddedEdge> {
  let sso: Sso | null = null;
  let loading: Promise<Sso> | null = null;
  const authtoken = randomBytes(24).toString('base64url');
  const expected = Buffer.from(authtoken);
  const edge: Edge = await startEdge({
    host: opts.host,
    port: opts.port,
    localSocket: true,
    authorize: (t) => (t && t.length === expected.length && timingSafeEqual(Buffer.from(t), expected) ? { label: 'embedded' } : null),
    log: opts.log,
    policyFactory: async (doc, tunnel) => {
      loading ??= Promise.all([import('../edge/sso.ts'), opts.sessionKey?.()]).then(
        ([m, sessionKey]) => (sso = m.createSso({ baseUrl: edge.baseUrl, sessionKey, idpCa: opts.idpCa, log: opts.log })),
      );
      return (await loading).policyFactory(doc, tunnel);
    },
    // Until a tunnel uses SSO there is no login to call back to.
    edgeHandler: (req, res) => sso?.handleEdgeRequest(req, res) ?? false,
  });
  return {
    edge,
    agentTarget: { edgeUrl: edge.agentUrl, authtoken, socketPath: edge.localSocketPath },
    redirectUri: edge.baseUrl + CALLBACK_PATH,
    postLogoutRedirectUri: edge.baseUrl + SIGNED_OUT_PATH,
    async close(graceMs) {
      await edge.close(graceMs);
    },
  };
}
