// Reserved paths on every tunnel host, answered by Gatehouse and never forwarded to the app:
//   /.gatehouse/login?redirect_path=/x    new login, even with a session
//   /.gatehouse/logout?redirect_path=/x   ends the local session, then the IdP's when it can
//   /.gatehouse/handoff?token=...         receives a session from the central callback
import * as oidc from 'openid-client';
import type { Reply, RequestContext } from '../policy/types.ts';
import { type ActionEntry, loginPath, type OidcShared, tunnelUrl } from './context.ts';
import { deleteCookie, readCookies, serializeCookie } from './cookies.ts';
import { openHandoff } from './handoff.ts';
import { startLogin } from './login.ts';
import { redirect, renderPage } from './pages.ts';
import { safeReturnPath } from './redirect-path.ts';
import { MAX_COOKIE_BYTES, nowSec, sealSession, sessionMaxAge, type SessionData } from './session.ts';
import { parseTxnCookie, TXN_TTL_SEC } from './transaction.ts';
import { HANDOFF_PATH, LOGIN_PATH, LOGOUT_PATH } from './paths.ts';

export const LOGOUT_STATE_TTL_SEC = 600;

export async function handleReserved(sh: OidcShared, e: ActionEntry, ctx: RequestContext): Promise<Reply> {
  const q = ctx.url.searchParams;
  switch (ctx.url.pathname) {
    case LOGIN_PATH:
      return startLogin(sh, e, safeReturnPath(q.get('redirect_path')), readCookies(ctx.headers, e.txnCookie));
    case LOGOUT_PATH:
      return logout(sh, e, safeReturnPath(q.get('redirect_path')));
    case HANDOFF_PATH:
      // GET only: a HEAD must not spend the one-time token.
      if (ctx.method !== 'GET') return renderPage({ status: 405, title: 'Method not allowed', lines: [] });
      return handoff(sh, e, ctx, q.get('token'));
    default:
      return renderPage({ status: 404, title: 'Not found', lines: ['There is nothing at this address.'] });
  }
}

async function logout(sh: OidcShared, e: ActionEntry, ret: string): Promise<Reply> {
  const clear = [deleteCookie(e.sessionCookie, e.secure), deleteCookie(e.txnCookie, e.secure)];
  let config: oidc.Configuration | undefined;
  try {
    config = await e.discovery.get();
  } catch {
    config = undefined;
  }
  sh.log.info('signed out', { host: e.tunnel.hostname });
  if (config?.serverMetadata().end_session_endpoint) {
    const state = sh.sealer.seal('logout', '', {
      host: e.tunnel.hostname,
      auth: e.auth,
      ret,
      exp: nowSec() + LOGOUT_STATE_TTL_SEC,
    });
    const url = oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: sh.postLogoutUrl, state });
    return redirect(url.href, { 'set-cookie': clear });
  }
  // Without an IdP logout, sending the visitor to a protected page would sign them straight back in.
  return renderPage({
    status: 200,
    title: 'Signed out',
    lines: [`You are signed out of ${e.tunnel.hostname}.`],
    links: [{ href: tunnelUrl(e.tunnel, ret), text: 'Sign in again' }],
    headers: { 'set-cookie': clear },
  });
}

function handoff(sh: OidcShared, e: ActionEntry, ctx: RequestContext, token: string | null): Reply {
  const now = nowSec();
  const result = openHandoff(sh.sealer, e.tunnel.hostname, token, sh.spent, now);
  if (!result.ok || result.token.auth !== e.auth) {
    const reason = result.ok ? 'invalid' : result.reason;
    sh.log.warn('handoff rejected', { host: e.tunnel.hostname, reason });
    return badSignIn(e, '/', `This sign-in link is ${reason === 'replayed' ? 'already used' : reason}.`);
  }
  const t = result.token;
  const ret = safeReturnPath(t.ret);
  const pending = parseTxnCookie(readCookies(ctx.headers, e.txnCookie));
  if (!pending.includes(t.txn)) {
    // A callback URL opened in a browser that never started this login: login CSRF, or cookies off.
    sh.log.warn('handoff rejected', { host: e.tunnel.hostname, reason: 'no matching login in this browser' });
    return badSignIn(e, ret, 'This sign-in was not started in this browser.');
  }
  if (t.session.cfg !== e.cfg) return badSignIn(e, ret, 'The sign-in settings of this tunnel changed.');
  const sessionCookie = fitSessionCookie(sh, e, { ...t.session, last: now });
  if (!sessionCookie) {
    return renderPage({
      status: 502,
      title: 'Sign-in failed',
      lines: ['Your identity from the sign-in provider is too large to keep in a cookie (too many groups?).'],
    });
  }
  const rest = pending.filter((id) => id !== t.txn);
  const txnCookie = rest.length
    ? serializeCookie(e.txnCookie, rest.join('.'), { secure: e.secure, maxAgeSec: TXN_TTL_SEC })
    : deleteCookie(e.txnCookie, e.secure);
  return redirect(tunnelUrl(e.tunnel, ret), { 'set-cookie': [sessionCookie, txnCookie] });
}

/** The Set-Cookie line for a session, dropping tokens (and with them userinfo refresh) if too big. */
export function fitSessionCookie(sh: OidcShared, e: ActionEntry, s: SessionData): string | null {
  const limits = { idleSec: e.config.idleSessionDurationSec, maxSec: e.config.maxSessionDurationSec };
  const attempts: SessionData[] = [s, { ...s, rt: undefined }, { ...s, rt: undefined, at: undefined }];
  for (const candidate of attempts) {
    const value = sealSession(sh.sealer, e.tunnel.hostname, e.sessionCookie, candidate);
    const line = serializeCookie(e.sessionCookie, value, {
      secure: e.secure,
      maxAgeSec: sessionMaxAge(candidate, limits, candidate.last),
    });
    if (line.length <= MAX_COOKIE_BYTES) {
      if (candidate !== s) sh.log.warn('session cookie too large: tokens dropped', { host: e.tunnel.hostname });
      return line;
    }
  }
  sh.log.error('session cookie too large even without tokens', { host: e.tunnel.hostname, sub: s.sub });
  return null;
}

export function badSignIn(e: ActionEntry, ret: string, why: string): Reply {
  return renderPage({
    status: 400,
    title: 'Sign-in could not be completed',
    lines: [why, 'No session was created. Start again to sign in.'],
    links: [{ href: tunnelUrl(e.tunnel, loginPath(ret)), text: 'Start again' }],
  });
}
