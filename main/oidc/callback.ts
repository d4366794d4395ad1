// The central redirect URI on the edge's own host (`<edge>/oauth2/callback`): checks the sealed
// state, exchanges the code (PKCE, nonce, client auth), reads the identity, and hands the session
// to the tunnel host. Also the IdP's post-logout landing (`<edge>/oauth2/signed-out`).
import * as oidc from 'openid-client';
import type { Reply } from '../policy/types.ts';
import { type ActionEntry, loginPath, type OidcShared, registryKey, tunnelUrl } from './context.ts';
import { sealHandoff } from './handoff.ts';
import { identityFromClaims, type Claims } from './identity.ts';
import { idpUnavailable } from './login.ts';
import { redirect, renderPage } from './pages.ts';
import { safeReturnPath } from './redirect-path.ts';
import { badSignIn } from './reserved.ts';
import { nowSec, sessionFromIdentity } from './session.ts';
import { openState } from './transaction.ts';
import { HANDOFF_PATH } from './paths.ts';

export async function handleCallback(sh: OidcShared, params: URLSearchParams): Promise<Reply> {
  const txn = openState(sh.sealer, params.get('state'));
  if (!txn) {
    sh.log.warn('callback rejected', { reason: 'missing or invalid state' });
    return renderPage({
      status: 400,
      title: 'Sign-in could not be completed',
      lines: ['This sign-in response is invalid or incomplete. No session was created.', 'Open the address you wanted again to start over.'],
    });
  }
  const e = sh.registry.get(registryKey(txn.host, txn.auth));
  if (!e || e.cfg !== txn.cfg) {
    sh.log.warn('callback rejected', { host: txn.host, reason: 'tunnel gone or sign-in settings changed' });
    return renderPage({
      status: 400,
      title: 'Sign-in could not be completed',
      lines: [`The tunnel ${txn.host} is gone or its sign-in settings changed. No session was created.`],
    });
  }
  const now = nowSec();
  if (txn.exp <= now) return rejected(sh, e, txn.ret, 'expired', 'This sign-in took too long and expired.');
  if (!sh.spent.use(`state:${txn.id}`, txn.exp * 1000)) {
    return rejected(sh, e, txn.ret, 'replayed', 'This sign-in response was already used.');
  }

  const error = params.get('error');
  if (error) return idpError(sh, e, txn.ret, error, params.get('error_description'));

  let config: oidc.Configuration;
  try {
    config = await e.discovery.get();
  } catch (err) {
    return idpUnavailable(sh, e, err);
  }
  // redirect_uri is derived from this URL: it must be the public callback URL the browser used.
  const currentUrl = new URL(sh.callbackUrl);
  currentUrl.search = params.toString();
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: txn.pkce,
      expectedState: params.get('state') ?? '',
      expectedNonce: txn.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    return tokenError(sh, e, txn.ret, err);
  }

  const idClaims = (tokens.claims() ?? {}) as Claims;
  let claims: Claims = idClaims;
  if (config.serverMetadata().userinfo_endpoint && tokens.access_token) {
    try {
      const ui = await oidc.fetchUserInfo(config, tokens.access_token, String(idClaims['sub']));
      claims = { ...idClaims, ...ui };
    } catch (err) {
      sh.log.warn('userinfo request failed; using ID token claims only', { host: e.tunnel.hostname, error: err as Error });
    }
  }
  let identity;
  try {
    identity = identityFromClaims(claims, e.config.groupsClaim);
  } catch (err) {
    sh.log.error('unusable identity from the IdP', { host: e.tunnel.hostname, error: err as Error });
    return rejected(sh, e, txn.ret, 'no-subject', 'The sign-in provider returned no user identifier.');
  }
  const session = sessionFromIdentity(identity, e.cfg, now);
  if (e.config.userinfoRefreshIntervalSec) {
    session.at = tokens.access_token;
    if (tokens.refresh_token) session.rt = tokens.refresh_token;
  }
  const token = sealHandoff(sh.sealer, { host: e.tunnel.hostname, auth: e.auth, txn: txn.id, ret: txn.ret, session }, now);
  sh.log.info('signed in', { host: e.tunnel.hostname, sub: identity.id, email: identity.email });
  return redirect(tunnelUrl(e.tunnel, `${HANDOFF_PATH}?token=${token}`));
}

function rejected(sh: OidcShared, e: ActionEntry, ret: string, reason: string, why: string): Reply {
  sh.log.warn('callback rejected', { host: e.tunnel.hostname, reason });
  return badSignIn(e, ret, why);
}

function idpError(sh: OidcShared, e: ActionEntry, ret: string, error: string, description: string | null): Reply {
  const retry = [{ href: tunnelUrl(e.tunnel, loginPath(ret)), text: 'Try again' }];
  if (error === 'access_denied') {
    sh.log.info('sign-in denied by the IdP', { host: e.tunnel.hostname, error, description });
    return renderPage({
      status: 403,
      title: 'Sign-in was not completed',
      lines: ['The sign-in provider did not let you in (the sign-in was cancelled or access was denied).'],
      links: retry,
    });
  }
  sh.log.warn('the IdP returned an error', { host: e.tunnel.hostname, error, description });
  return renderPage({
    status: 502,
    title: 'Sign-in failed',
    lines: [`The sign-in provider returned the error "${error.slice(0, 100)}".`, description?.slice(0, 300) ?? ''].filter(Boolean),
    links: retry,
  });
}

function tokenError(sh: OidcShared, e: ActionEntry, ret: string, err: unknown): Reply {
  const retry = [{ href: tunnelUrl(e.tunnel, loginPath(ret)), text: 'Try again' }];
  const fields = { host: e.tunnel.hostname, issuer: e.config.issuerUrl, clientId: e.config.clientId };
  if (isInvalidClient(err)) {
    const method = e.config.tokenEndpointAuthMethod;
    const msg =
      `The IdP rejected the client at the token endpoint (invalid_client): the client ID or client secret is wrong, ` +
      `or the client authentication type does not match the IdP's setting (Gatehouse uses ${method}).`;
    sh.log.error(msg, { ...fields, authMethod: method });
    return renderPage({ status: 502, title: 'Sign-in is misconfigured', lines: [msg, 'Ask the tunnel owner to fix the client settings.'], links: retry });
  }
  if (err instanceof oidc.ResponseBodyError && err.error === 'invalid_grant') {
    sh.log.warn('callback rejected', { ...fields, reason: 'invalid_grant' });
    return badSignIn(e, ret, 'The sign-in code expired or was already used.');
  }
  if (err instanceof oidc.AuthorizationResponseError || (err as { code?: string })?.code?.startsWith('OAUTH_')) {
    sh.log.warn('callback rejected', { ...fields, error: err as Error });
    return badSignIn(e, ret, 'The sign-in response did not pass verification.');
  }
  sh.log.error('code exchange failed', { ...fields, error: err as Error });
  return renderPage({ status: 502, title: 'Sign-in failed', lines: ['Gatehouse could not complete the sign-in with the sign-in provider.'], links: retry });
}

/** A 401 from the token endpoint is client authentication failing, whatever the body says. */
function isInvalidClient(err: unknown): boolean {
  if (err instanceof oidc.ResponseBodyError) return err.error === 'invalid_client' || err.status === 401;
  if (err instanceof oidc.WWWAuthenticateChallengeError) return err.response.status === 401;
  return false;
}

/** Where the IdP sends the browser after its logout: back to the tunnel's redirect_path. */
export function handleSignedOut(sh: OidcShared, params: URLSearchParams): Reply {
  const v = sh.sealer.open('logout', '', params.get('state')) as { host?: unknown; auth?: unknown; ret?: unknown; exp?: unknown } | null;
  const e =
    v && typeof v.host === 'string' && typeof v.auth === 'string' && typeof v.exp === 'number' && v.exp > nowSec()
      ? sh.registry.get(registryKey(v.host, v.auth))
      : undefined;
  if (!e || !v) return renderPage({ status: 200, title: 'Signed out', lines: ['You are signed out.'] });
  return redirect(tunnelUrl(e.tunnel, safeReturnPath(v.ret)));
}
