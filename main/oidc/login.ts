// Starting a login: a fresh transaction (state + nonce + PKCE S256) sealed into `state`, the txn
// cookie that binds it to this browser, and the redirect to the IdP with the central redirect URI.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Reply } from '../policy/types.ts';
import { type ActionEntry, type OidcShared } from './context.ts';
import { serializeCookie } from './cookies.ts';
import { IssuerError } from './discovery.ts';
import { redirect, renderPage } from './pages.ts';
import { nowSec } from './session.ts';
import { RESERVED_AUTHZ_PARAMS } from '../policy/actions/openid-connect.ts';
import { addTxnId, parseTxnCookie, sealState, TXN_TTL_SEC, type Transaction } from './transaction.ts';

/** `pendingTxn`: the txn cookie values the browser sent (its logins in other tabs, which stay valid). */
export async function startLogin(sh: OidcShared, e: ActionEntry, ret: string, pendingTxn: string[]): Promise<Reply> {
  let config: oidc.Configuration;
  try {
    config = await e.discovery.get();
  } catch (err) {
    return idpUnavailable(sh, e, err);
  }
  const now = nowSec();
  const txn: Transaction = {
    id: randomBytes(16).toString('base64url'),
    host: e.tunnel.hostname,
    auth: e.auth,
    ret,
    nonce: oidc.randomNonce(),
    pkce: oidc.randomPKCECodeVerifier(),
    cfg: e.cfg,
    exp: now + TXN_TTL_SEC,
  };
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.config.authzUrlParams)) if (!RESERVED_AUTHZ_PARAMS.has(k)) params[k] = v; // validation refuses them; this is the second lock
  const scopes = e.config.scopes.includes('openid') ? e.config.scopes : ['openid', ...e.config.scopes];
  Object.assign(params, {
    redirect_uri: sh.callbackUrl,
    scope: scopes.join(' '),
    state: sealState(sh.sealer, txn),
    nonce: txn.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(txn.pkce),
    code_challenge_method: 'S256',
  });
  const url = oidc.buildAuthorizationUrl(config, params);
  const pending = parseTxnCookie(pendingTxn);
  const txnCookie = serializeCookie(e.txnCookie, addTxnId(pending, txn.id), {
    secure: e.secure,
    maxAgeSec: TXN_TTL_SEC,
  });
  sh.log.debug('login started', { host: e.tunnel.hostname, issuer: e.config.issuerUrl });
  return redirect(url.href, { 'set-cookie': [txnCookie] });
}

export function idpUnavailable(sh: OidcShared, e: ActionEntry, err: unknown): Reply {
  const msg = err instanceof IssuerError ? err.message : `OIDC issuer ${e.config.issuerUrl}: ${String(err)}`;
  sh.log.error('sign-in provider unavailable', { host: e.tunnel.hostname, error: msg });
  return renderPage({
    status: 502,
    title: 'Sign-in is unavailable',
    lines: [`Gatehouse could not reach the sign-in provider for ${e.tunnel.hostname}.`, msg, 'Try again in a moment.'],
  });
}
