// The openid-connect action at the edge: reserved paths, the session check, the redirect or 401
// for visitors without a session, allow-lists, identity headers, and the rolling session cookie.
import type { HeaderMap, HttpRequestAction, Identity, OpenIdConnectConfig, Reply, RequestContext, SignedIn, TunnelRef } from '../policy/types.ts';
import { isAllowed } from './access.ts';
import {
  type ActionEntry,
  configFingerprint,
  cookieNames,
  loginPath,
  logoutPath,
  type OidcShared,
  registryKey,
} from './context.ts';
import { appendSetCookie, deleteCookie, readCookies, takeOwnCookies } from './cookies.ts';
import { createDiscovery } from './discovery.ts';
import { identityHeaders, stripIdentityHeaders } from './identity.ts';
import { startLogin } from './login.ts';
import { renderPage, unauthenticated } from './pages.ts';
import { safeReturnPath } from './redirect-path.ts';
import { fitSessionCookie, handleReserved } from './reserved.ts';
import { isReservedTarget } from './paths.ts';
import { identityOf, nowSec, openSession, rollAfterSec, type SessionData } from './session.ts';
import { createUserinfoRefresher } from './userinfo.ts';

export type OidcAction = HttpRequestAction & {
  /** Runs discovery; rejects with an IssuerError naming the issuer URL and the cause. */
  ready(): Promise<void>;
};

export function createOidcAction(sh: OidcShared, config: OpenIdConnectConfig, tunnel: TunnelRef): OidcAction {
  const secure = new URL(tunnel.publicUrl).protocol === 'https:';
  const names = cookieNames(secure, config.authId);
  const e: ActionEntry = {
    tunnel,
    config,
    auth: config.authId ?? '',
    cfg: configFingerprint(config),
    discovery: createDiscovery(config, sh.customFetch),
    secure,
    sessionCookie: names.session,
    txnCookie: names.txn,
  };
  const key = registryKey(tunnel.hostname, e.auth);
  sh.registry.set(key, e);
  const limits = { idleSec: config.idleSessionDurationSec, maxSec: config.maxSessionDurationSec };
  const refreshUserinfo = createUserinfoRefresher(sh, e);
  const rollAfter = rollAfterSec(limits);
  // What follows from an opened session, worked out once: the sealer's cache returns the same
  // (frozen) session for the same cookie, so a returning visitor costs a lookup.
  const known = new WeakMap<SessionData, Known>();

  // Synchronous for the common case, a valid session cookie, so a signed-in request does not
  // pay for promise hops; only paths that talk to the IdP or build a login return a promise.
  function run(ctx: RequestContext): Promise<void> | void {
    try {
      const pending = gate(ctx);
      if (pending) return pending.catch((err: unknown) => failClosed(ctx, err));
    } catch (err) {
      failClosed(ctx, err);
    }
  }

  /** Fail closed: a bug or an odd IdP answer must never let the request through. */
  function failClosed(ctx: RequestContext, err: unknown): void {
    sh.log.error('openid-connect action failed', { host: tunnel.hostname, error: err as Error });
    if (!ctx.replied) {
      ctx.reply(renderPage({ status: 500, title: 'Sign-in error', lines: ['Something went wrong. Try again.'] }));
    }
  }

  function gate(ctx: RequestContext): Promise<void> | void {
    stripIdentityHeaders(ctx.headers);
    if (isReservedTarget(ctx.target)) return handleReserved(sh, e, ctx).then((reply) => ctx.reply(reply));
    const now = nowSec();
    // The app never sees Gatehouse's cookies; the session cookie's values are read on the way out.
    // What the browser sent is kept for a login, which adds to its pending transactions.
    const sent = ctx.headers['cookie'];
    const session = takeSession(ctx.headers, now);
    if (!session) return noSession(ctx, sent, false);
    if (refreshDue(session, now)) return refreshThenAdmit(ctx, sent, session, now);
    admit(ctx, session, now, false);
  }

  /** The live session among the Cookie header's values, which leave without Gatehouse's cookies. */
  function takeSession(headers: HeaderMap, now: number): SessionData | null {
    const args = { sealer: sh.sealer, host: tunnel.hostname, cookieName: e.sessionCookie, cfg: e.cfg, limits, now };
    return openSession(takeOwnCookies(headers, e.sessionCookie), args);
  }

  const refreshDue = (session: SessionData, now: number) => {
    const every = config.userinfoRefreshIntervalSec ?? 0;
    return every > 0 && now - session.ui >= every;
  };

  async function refreshThenAdmit(ctx: RequestContext, sent: Cookies, session: SessionData, now: number): Promise<void> {
    const r = await refreshUserinfo(session, now);
    if (r === 'unavailable') {
      ctx.reply(
        renderPage({
          status: 503,
          title: 'Cannot check your access',
          lines: ['The sign-in provider did not answer. Try again in a moment.'],
        }),
      );
      return;
    }
    if (r === 'ended') return noSession(ctx, sent, true);
    admit(ctx, r, now, true);
  }

  /** `sent`: the Cookie header as the browser sent it; `ended`: a session just ended by the userinfo check, whose cookie must go. */
  async function noSession(ctx: RequestContext, sent: Cookies, ended: boolean): Promise<void> {
    if (config.allowCorsPreflight && isCorsPreflight(ctx)) return;
    const reply = await unauthenticatedReply(ctx, sent);
    if (ended) appendSetCookie((reply.headers ??= {}), deleteCookie(e.sessionCookie, secure));
    ctx.reply(reply);
  }

  /** `changed`: the session was refreshed and must be saved even if it is not due to roll. */
  function admit(ctx: RequestContext, session: SessionData, now: number, changed: boolean): void {
    const k = knownOf(session);
    const { identity } = k;
    if (!k.allowed) {
      sh.log.info('access denied', { host: tunnel.hostname, sub: identity.id, email: identity.email });
      ctx.reply(denied(identity.email ?? identity.preferredUsername ?? identity.id, changed ? session : null));
      return;
    }
    ctx.identity = identity;
    // gate() stripped any visitor copies before this action looked at the request.
    Object.assign(ctx.headers, k.headers);
    const line = rolledCookie(k, session, now, changed);
    if (line) appendSetCookie(ctx.responseHeaders, line);
  }

  /**
   * The common case without a request context: a visitor whose cookie opens a live session that
   * may enter, on the edge's flat header list, for a target that is not a reserved path (the edge
   * checks that first). Decides exactly as gate() + admit() would; anything else (no session, a
   * userinfo check due, a denial) returns null with the list untouched, for run().
   */
  function admitFlat(headers: string[]): SignedIn | null {
    const lines: string[] = [];
    let at = -1;
    for (let i = 0; i < headers.length; i += 2) {
      if (!isCookieName(headers[i]!)) continue;
      if (at < 0) at = i;
      lines.push(headers[i + 1]!);
    }
    if (at < 0) return null;
    const jar: HeaderMap = { cookie: lines };
    const now = nowSec();
    const session = takeSession(jar, now);
    if (!session || refreshDue(session, now)) return null;
    const k = knownOf(session);
    if (!k.allowed) return null;
    // Let in: Gatehouse's cookies out (the app's stay, as one header at the first one's place),
    // the identity headers in. No visitor copies to strip, unlike gate(): the edge's header
    // filter removed them, and no other action ran (the shortcut exists only for this action alone).
    for (let i = headers.length - 2; i >= at; i -= 2) if (isCookieName(headers[i]!)) headers.splice(i, 2);
    const kept = jar['cookie'];
    if (typeof kept === 'string') headers.splice(at, 0, 'cookie', kept);
    for (let i = 0; i < k.flat.length; i++) headers.push(k.flat[i]!);
    return { setCookie: rolledCookie(k, session, now, false) };
  }

  /** What follows from an opened session, worked out on its first request. */
  function knownOf(session: SessionData): Known {
    let k = known.get(session);
    if (!k) {
      const identity = Object.freeze(identityOf(session));
      const headers = identityHeaders(identity);
      k = { identity, headers, flat: Object.entries(headers).flat(), allowed: isAllowed(identity, config.allow), rolledAt: -1, rolled: null };
      known.set(session, k);
    }
    return k;
  }

  /**
   * The session re-sealed with `last: now` when it is due to roll (or `changed`), else null. A
   * client that ignores Set-Cookie (a script, a load tester) keeps sending the stale cookie: seal
   * it once per second, not once per request. (A refreshed session is a new object, so its
   * record has not rolled yet.)
   */
  function rolledCookie(k: Known, session: SessionData, now: number, changed: boolean): string | null {
    if (!changed && now - session.last < rollAfter) return null;
    if (k.rolledAt !== now) {
      k.rolled = fitSessionCookie(sh, e, { ...session, last: now });
      k.rolledAt = now;
    }
    return k.rolled;
  }

  async function unauthenticatedReply(ctx: RequestContext, sent: Cookies): Promise<Reply> {
    const ret = safeReturnPath(ctx.url.pathname + ctx.url.search);
    const json = wantsJson(ctx);
    if (ctx.isUpgrade || json || !isNavigation(ctx)) return unauthenticated(json, loginPath(ret));
    return startLogin(sh, e, ret, readCookies({ cookie: sent }, e.txnCookie));
  }

  function denied(who: string, updated: SessionData | null): Reply {
    const reply = renderPage({
      status: 403,
      title: 'Access denied',
      lines: [`You are signed in as ${who}, who may not open ${tunnel.hostname}.`],
      links: [{ href: logoutPath('/'), text: 'Sign out' }],
    });
    // A refreshed session is still saved, so the next request does not ask the IdP again at once.
    if (updated) {
      const line = fitSessionCookie(sh, e, updated);
      if (line) reply.headers = { ...reply.headers, 'set-cookie': [line] };
    }
    return reply;
  }

  return {
    type: 'openid-connect',
    run,
    admitFlat,
    async ready() {
      await e.discovery.get();
    },
    close() {
      if (sh.registry.get(key) === e) sh.registry.delete(key);
    },
  };
}

const isCookieName = (name: string) => name.length === 6 && name.toLowerCase() === 'cookie';

function header(ctx: RequestContext, name: string): string {
  const v = ctx.headers[name];
  return (Array.isArray(v) ? v.join(',') : (v ?? '')).toLowerCase();
}

function isCorsPreflight(ctx: RequestContext): boolean {
  return ctx.method === 'OPTIONS' && header(ctx, 'origin') !== '' && header(ctx, 'access-control-request-method') !== '';
}

/** JSON clients and XHR cannot follow a login redirect; they get a 401 they can act on. */
function wantsJson(ctx: RequestContext): boolean {
  const accept = header(ctx, 'accept');
  if (header(ctx, 'x-requested-with') === 'xmlhttprequest') return true;
  return accept.includes('application/json') && !accept.includes('text/html');
}

/** A page load: GET/HEAD that is a navigation (or from a client that sends no Sec-Fetch-Mode). */
function isNavigation(ctx: RequestContext): boolean {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
  const mode = header(ctx, 'sec-fetch-mode');
  return mode === '' || mode === 'navigate' || mode === 'nested-navigate';
}

type Cookies = HeaderMap['cookie'];

/** Per opened session: its identity, identity headers, access decision and last re-sealed cookie. */
interface Known {
  identity: Identity;
  headers: Record<string, string>;
  /** The same, names and values alternating. */
  flat: string[];
  allowed: boolean;
  rolledAt: number;
  rolled: string | null;
}
