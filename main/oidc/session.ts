// The session cookie: a sealed, host-bound record of who the visitor is, with an absolute limit
// (from login) and a rolling idle limit (from the last request). Anything that does not open,
// belongs to another host/IdP/client, or is past a limit is simply "no session".
import type { Identity } from '../policy/types.ts';
import type { Sealer } from './seal.ts';

export interface SessionData {
  v: 1;
  /** Fingerprint of the issuer and client that made this session (see configFingerprint). */
  cfg: string;
  sub: string;
  email?: string;
  /** 1 when the IdP said the email is verified. */
  ev?: 1;
  name?: string;
  pu?: string;
  groups?: string[];
  /** Login time, seconds since epoch. */
  iat: number;
  /** Last activity, seconds since epoch (idle limit). */
  last: number;
  /** Last time the identity was read from the IdP, seconds since epoch. */
  ui: number;
  /** Access token, only kept when userinfo must be re-read. */
  at?: string;
  rt?: string;
}

export interface SessionLimits {
  idleSec: number;
  maxSec: number;
}

/** Browsers drop cookies over 4096 bytes (name + value + attributes); keep a margin. */
export const MAX_COOKIE_BYTES = 3900;

export const nowSec = (): number => Math.floor(Date.now() / 1000);

const binding = (host: string, cookieName: string) => `${host}\n${cookieName}`;

export function sessionFromIdentity(id: Identity, cfg: string, now: number): SessionData {
  const s: SessionData = { v: 1, cfg, sub: id.id, iat: now, last: now, ui: now };
  if (id.email) s.email = id.email;
  if (id.emailVerified) s.ev = 1;
  if (id.name) s.name = id.name;
  if (id.preferredUsername) s.pu = id.preferredUsername;
  if (id.groups.length) s.groups = id.groups;
  return s;
}

export function identityOf(s: SessionData): Identity {
  return {
    id: s.sub,
    email: s.email,
    emailVerified: s.ev === 1,
    name: s.name,
    preferredUsername: s.pu,
    groups: s.groups ?? [],
  };
}

/** Replaces the identity fields of a session, keeping its times and tokens. */
export function withIdentity(s: SessionData, id: Identity): SessionData {
  const fresh = sessionFromIdentity(id, s.cfg, s.iat);
  return { ...fresh, iat: s.iat, last: s.last, ui: s.ui, at: s.at, rt: s.rt };
}

export function sealSession(sealer: Sealer, host: string, cookieName: string, s: SessionData): string {
  return sealer.seal('session', binding(host, cookieName), s);
}

export interface OpenSessionArgs {
  sealer: Sealer;
  host: string;
  cookieName: string;
  cfg: string;
  limits: SessionLimits;
  now: number;
}

/** Returns the first candidate cookie value that is a live session for this host and config. */
export function openSession(candidates: string[], a: OpenSessionArgs): SessionData | null {
  for (const token of candidates) {
    const s = openChecked(a.sealer, binding(a.host, a.cookieName), token);
    if (!s || s.cfg !== a.cfg) continue;
    if (a.now >= s.iat + a.limits.maxSec || a.now >= s.last + a.limits.idleSec) continue;
    // A session from the future (clock moved back a lot, or forged times) is not trusted.
    if (s.iat > a.now + 300 || s.last > a.now + 300) continue;
    return s;
  }
  return null;
}

/** Opened sessions remembered per sealer (a few MB at most). */
const CACHE_SIZE = 4096;
const opened = new WeakMap<Sealer, Map<string, { token: string; binding: string; session: SessionData }>>();
/**
 * Cache key: a token's last 22 characters, its GCM tag, unique per seal. Hashing them costs a
 * seventh of hashing the whole token (a fresh string on every request); a hit still compares
 * the whole token.
 */
const KEY_CHARS = 22;

/**
 * Session cookies come back on every request: keep what recent ones opened to, checked and
 * frozen (the same object each time, so callers can key their own per-session work on it). A
 * hit must have the exact token and the same binding, and GCM authenticated both, so a hit is
 * as good as a decryption. Only valid sessions are kept: forged tokens cannot fill it.
 */
function openChecked(sealer: Sealer, b: string, token: string): SessionData | null {
  let cache = opened.get(sealer);
  if (!cache) opened.set(sealer, (cache = new Map()));
  const key = token.slice(-KEY_CHARS);
  const hit = cache.get(key);
  if (hit !== undefined && hit.token === token && hit.binding === b) return hit.session;
  const s = validSession(sealer.open('session', b, token));
  if (!s) return null;
  if (s.groups) Object.freeze(s.groups);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, { token, binding: b, session: Object.freeze(s) });
  return s;
}

/** Cookie lifetime: until the earlier of the idle and absolute limits. */
export function sessionMaxAge(s: SessionData, limits: SessionLimits, now: number): number {
  return Math.max(0, Math.min(s.last + limits.idleSec, s.iat + limits.maxSec) - now);
}

/** How stale `last` may get before the cookie is re-issued (rolling without a write per request). */
export function rollAfterSec(limits: SessionLimits): number {
  return Math.max(1, Math.min(60, Math.floor(limits.idleSec / 10)));
}

function validSession(v: unknown): SessionData | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  const optStr = (k: string) => s[k] === undefined || typeof s[k] === 'string';
  if (s['v'] !== 1 || typeof s['cfg'] !== 'string' || typeof s['sub'] !== 'string' || !s['sub']) return null;
  if (!Number.isFinite(s['iat']) || !Number.isFinite(s['last']) || !Number.isFinite(s['ui'])) return null;
  if (!optStr('email') || !optStr('name') || !optStr('pu') || !optStr('at') || !optStr('rt')) return null;
  if (s['ev'] !== undefined && s['ev'] !== 1) return null;
  const g = s['groups'];
  if (g !== undefined && !(Array.isArray(g) && g.every((x) => typeof x === 'string'))) return null;
  return s as unknown as SessionData;
}
