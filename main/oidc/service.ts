// The OIDC service of one edge: the central callback on the edge's own host, shared by every
// tunnel's openid-connect action (one redirect URI registered at the IdP serves them all).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../common/log.ts';
import type { OpenIdConnectConfig, Reply, TunnelRef } from '../policy/types.ts';
import { createOidcAction, type OidcAction } from './action.ts';
import { handleCallback, handleSignedOut } from './callback.ts';
import type { OidcShared } from './context.ts';
import { fetchTrustingCa } from './fetch.ts';
import { renderPage } from './pages.ts';
import { createSealer } from './seal.ts';
import { createSingleUse } from './single-use.ts';
import { CALLBACK_PATH, SIGNED_OUT_PATH } from './paths.ts';

export interface OidcServiceOptions {
  /** 32 random bytes, persisted by the caller so restarts keep sessions valid. */
  sessionKey: Buffer;
  /** The edge's own public base URL, e.g. `http://localhost:8080`. */
  edgeBaseUrl: string;
  log: Logger;
  /** Extra CA (PEM) to trust for the IdP, e.g. a test CA; the system roots stay trusted. */
  fetchCa?: string | Buffer;
}

export interface OidcService {
  /** `<edge>/oauth2/callback`: the one redirect URI to register at the IdP. */
  readonly callbackUrl: string;
  /** `<edge>/oauth2/signed-out`: the post-logout redirect URI to register where the IdP has logout. */
  readonly postLogoutUrl: string;
  /** Serves the callback and signed-out paths on the edge's own host; false for any other path. */
  handleEdgeRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** An openid-connect action for one tunnel; registers under tunnel.hostname until close(). */
  createAction(config: OpenIdConnectConfig, tunnel: TunnelRef): OidcAction;
}

export function createOidcService(opts: OidcServiceOptions): OidcService {
  const base = new URL(opts.edgeBaseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('edgeBaseUrl must be an http(s) URL');
  const origin = base.origin;
  const sh: OidcShared = {
    sealer: createSealer(opts.sessionKey),
    spent: createSingleUse(),
    log: opts.log.child({ component: 'oidc' }),
    callbackUrl: origin + CALLBACK_PATH,
    postLogoutUrl: origin + SIGNED_OUT_PATH,
    customFetch: opts.fetchCa ? fetchTrustingCa(opts.fetchCa) : undefined,
    registry: new Map(),
  };

  function handleEdgeRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== CALLBACK_PATH && url.pathname !== SIGNED_OUT_PATH) return false;
    // GET only: a HEAD (link preview, prefetch) must not spend the one-time state.
    if (req.method !== 'GET') {
      writeReply(res, { status: 405, headers: { allow: 'GET', 'content-type': 'text/plain' }, body: 'Method not allowed\n' });
      return true;
    }
    const work =
      url.pathname === CALLBACK_PATH
        ? handleCallback(sh, url.searchParams)
        : Promise.resolve(handleSignedOut(sh, url.searchParams));
    work.then(
      (reply) => writeReply(res, reply),
      (err: unknown) => {
        sh.log.error('callback failed', { error: err as Error });
        writeReply(res, renderPage({ status: 500, title: 'Sign-in failed', lines: ['Something went wrong. Try again.'] }));
      },
    );
    return true;
  }

  return {
    callbackUrl: sh.callbackUrl,
    postLogoutUrl: sh.postLogoutUrl,
    handleEdgeRequest,
    createAction: (config, tunnel) => createOidcAction(sh, config, tunnel),
  };
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(reply.headers ?? {})) if (v !== undefined) res.setHeader(k, v);
  res.end(reply.body ?? '');
}
