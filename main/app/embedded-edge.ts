// The edge that runs inside the desktop app and `gatehouse http`: on loopback, tunnels at
// http://<name>.localhost:<port>, with the SSO machinery (policy compiler + OIDC service) wired in.
import { startEdge, type Edge, type EdgeOptions } from '../edge/edge.ts';
import { createSso, type Sso } from '../edge/sso.ts';
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
  const edge = await startEdge({
    host: opts.host,
    port: opts.port,
    authorize: opts.authorize,
    log: opts.log,
    // Bound late: the OIDC service needs the edge's base URL, known once it listens.
    policyFactory: (doc, tunnel) => sso!.policyFactory(doc, tunnel),
    edgeHandler: (req, res) => sso!.handleEdgeRequest(req, res),
  });
  sso = createSso({ baseUrl: edge.baseUrl, sessionKey: opts.sessionKey, idpCa: opts.idpCa, log: opts.log });
  return {
    edge,
    redirectUri: sso.redirectUri,
    postLogoutRedirectUri: sso.postLogoutRedirectUri,
    async close(graceMs) {
      await edge.close(graceMs);
      sso?.close();
    },
  };
}
