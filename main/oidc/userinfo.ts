// userinfo_refresh_interval: re-read the visitor's identity from the IdP so that removed users,
// changed emails and changed groups take effect without waiting for the session to end.
import * as oidc from 'openid-client';
import type { ActionEntry, OidcShared } from './context.ts';
import { identityFromClaims, type Claims } from './identity.ts';
import { identityOf, withIdentity, type SessionData } from './session.ts';

/** 'ended': the IdP no longer accepts the session's tokens; 'unavailable': could not ask it. */
export type RefreshResult = SessionData | 'ended' | 'unavailable';

export function createUserinfoRefresher(sh: OidcShared, e: ActionEntry) {
  // Parallel requests of one browser share one IdP round trip.
  const inflight = new Map<string, Promise<RefreshResult>>();

  async function refresh(s: SessionData, now: number): Promise<RefreshResult> {
    if (!s.at) return 'ended';
    let config: oidc.Configuration;
    try {
      config = await e.discovery.get();
    } catch {
      return 'unavailable';
    }
    let at = s.at;
    let rt = s.rt;
    let claims: Claims;
    try {
      claims = await oidc.fetchUserInfo(config, at, s.sub);
    } catch (err) {
      if (!isTokenRejected(err)) {
        sh.log.warn('userinfo refresh failed', { host: e.tunnel.hostname, error: err as Error });
        return 'unavailable';
      }
      if (!rt) return 'ended';
      try {
        const tokens = await oidc.refreshTokenGrant(config, rt);
        at = tokens.access_token;
        rt = tokens.refresh_token ?? rt;
        claims = await oidc.fetchUserInfo(config, at, s.sub);
      } catch (err2) {
        sh.log.info('session ended by the IdP', { host: e.tunnel.hostname, sub: s.sub, error: err2 as Error });
        return 'ended';
      }
    }
    // userinfo is authoritative; profile fields it omits keep their login values, groups do not
    // (a user removed from every group must lose them).
    const prev = identityOf(s);
    const merged: Claims = {
      email: prev.email,
      email_verified: prev.emailVerified,
      name: prev.name,
      preferred_username: prev.preferredUsername,
      ...claims,
      sub: s.sub,
    };
    const next = withIdentity(s, identityFromClaims(merged, e.config.groupsClaim));
    return { ...next, ui: now, at, rt };
  }

  return (s: SessionData, now: number): Promise<RefreshResult> => {
    const key = s.at ?? `none:${s.sub}`;
    let p = inflight.get(key);
    if (!p) {
      p = refresh(s, now).finally(() => inflight.delete(key));
      inflight.set(key, p);
    }
    return p;
  };
}

function isTokenRejected(err: unknown): boolean {
  if (err instanceof oidc.WWWAuthenticateChallengeError) return true;
  if (err instanceof oidc.ResponseBodyError) return err.status === 401 || err.error === 'invalid_token';
  // A userinfo answer for another subject is as good as a rejection.
  return (err as { code?: string })?.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';
}
