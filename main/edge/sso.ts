// Ties the traffic-policy compiler to the OIDC service for one edge: compiling a tunnel's
// policy creates its openid-connect actions, and binding waits until each one's issuer has
// answered discovery, so a wrong issuer fails `gatehouse http` at start, not at first visit.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compilePolicy, PolicyError, validatePolicy } from '../policy/index.ts';
import type { HttpPolicy, PolicyDocument, TunnelRef } from '../policy/types.ts';
import { createOidcService, type OidcAction, type OidcService } from '../oidc/index.ts';
import { BindError } from './agents.ts';
import type { Logger } from '../common/log.ts';

export interface SsoOptions {
  /** The edge's public base URL. */
  baseUrl: string;
  /** Seals session cookies; a random one (sessions end with the process) when absent. */
  sessionKey?: Buffer;
  /** Extra CA to trust when talking to the IdP (private or test CAs). */
  idpCa?: string | Buffer;
  log: Logger;
}

export interface Sso {
  service: OidcService;
  redirectUri: string;
  policyFactory(doc: PolicyDocument, tunnel: TunnelRef): Promise<HttpPolicy>;
  handleEdgeRequest(req: IncomingMessage, res: ServerResponse): boolean;
}

export function createSso(opts: SsoOptions): Sso {
  const oidc = createOidcService({
    sessionKey: opts.sessionKey ?? randomBytes(32),
    edgeBaseUrl: opts.baseUrl,
    log: opts.log,
    fetchCa: opts.idpCa,
  });
  return {
    service: oidc,
    redirectUri: oidc.callbackUrl,
    handleEdgeRequest: oidc.handleEdgeRequest,
    async policyFactory(doc, tunnel) {
      let validated;
      try {
        validated = validatePolicy(doc);
      } catch (err) {
        if (err instanceof PolicyError) throw new BindError('invalid-policy', `traffic policy rejected by the edge: ${err.message}`);
        throw err;
      }
      const actions: OidcAction[] = [];
      const policy = compilePolicy(validated, {
        log: opts.log,
        createOidcAction: (config) => {
          const a = oidc.createAction(config, tunnel);
          actions.push(a);
          return a;
        },
      });
      try {
        await Promise.all(actions.map((a) => a.ready()));
      } catch (err) {
        policy.close();
        throw new BindError('policy-failed', (err as Error).message);
      }
      return policy;
    },
  };
}
