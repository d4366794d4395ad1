// The edge that runs inside the desktop app and `gatehouse http`: on loopback, tunnels at
// http://<name>.localhost:<port>. The SSO machinery (policy compiler, OIDC service, their
// libraries) loads with the first tunnel that has a policy, so plain tunnels start fast and small.
import { startEdge, type Edge, type EdgeOptions } from '../edge/edge.ts';
import type { Sso } from '../edge/sso.ts';
import { CALLBACK_PATH, SIGNED_OUT_PATH } from '../oidc/paths.ts';
import type { Logger } from '../common/log.ts';

export interface EmbeddedEdgeOptions {
  host: string;
  port: number;
  authorize: EdgeOptions['authorize'];
  /** 32-byte key sealing session cookies; persisted by the caller so restarts keep sessions. */
  sessionKey?: Buffer;
  /** Extra CA trusted for the IdP (a company CA; tests). */
  idpCa?: string | Buffer;
  log: Logger;
}

export interface EmbeddedEdge {
  edge: Edge;
  /** Register this once in the IdP: one redirect URI serves every tunnel. */
  redirectUri: string;
  postLogoutRedirectUri: string;
  close(graceMs?: number): Promise<void>;
}

export async function startEmbeddedEdge(opts: EmbeddedEdgeOptions): Promise<EmbeddedEdge> {
  let sso: Sso | null = null;
  let loading: Promise<Sso> | null = null;
  const edge: Edge = await startEdge({
    host: opts.host,
    port: opts.port,
    authorize: opts.authorize,
    log: opts.log,
    policyFactory: async (doc, tunnel) => {
      loading ??= import('../edge/sso.ts').then((m) => (sso = m.createSso({ baseUrl: edge.baseUrl, sessionKey: opts.sessionKey, idpCa: opts.idpCa, log: opts.log })));
      return (await loading).policyFactory(doc, tunnel);
    },
    // Until a tunnel uses SSO there is no login to call back to.
    edgeHandler: (req, res) => sso?.handleEdgeRequest(req, res) ?? false,
  });
  return {
    edge,
    redirectUri: edge.baseUrl + CALLBACK_PATH,
    postLogoutRedirectUri: edge.baseUrl + SIGNED_OUT_PATH,
    async close(graceMs) {
      await edge.close(graceMs);
      sso?.close();
    },
  };
}
