// Cookie header parsing and Set-Cookie serialization for Gatehouse's own cookies, and removal of
// those cookies from what the app receives.
import type { HeaderMap } from '../policy/types.ts';

/** Every Gatehouse cookie starts with one of these (the `__Host-` form on https). */
const OWN_PREFIXES = ['__gatehouse_', '__host-gatehouse_'];

export function isOwnCookieName(name: string): boolean {
  const n = name.toLowerCase();
  return OWN_PREFIXES.some((p) => n.startsWith(p));
}

function headerValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** All values sent under `name` (a browser may send several, e.g. one injected by a sibling host). */
export function readCookies(headers: HeaderMap, name: string): string[] {
  const out: string[] = [];
  for (const line of headerValues(headers['cookie'])) {
    for (const part of line.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      if (part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
    }
  }
  return out;
}

/**
 * The values sent under `name`, and every Gatehouse cookie removed from the Cookie header the app
 * will see: one pass, as this runs on every signed-in request.
 */
export function takeOwnCookies(headers: HeaderMap, name: string): string[] {
  const lines = headerValues(headers['cookie']);
  const found: string[] = [];
  if (lines.length === 0) return found;
  // The common case: the browser sends only our session cookie.
  if (lines.length === 1 && !lines[0]!.includes(';')) {
    const line = lines[0]!;
    const eq = line.indexOf('=');
    const n = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (!isOwnCookieName(n)) return found;
    delete headers['cookie'];
    if (eq >= 0 && n === name) found.push(line.slice(eq + 1).trim());
    return found;
  }
  const kept: string[] = [];
  for (const line of lines) {
    for (const part of line.split(';')) {
      const trimmed = part.trim();
      if (!trimmed) continue;
      const eq = trimmed.indexOf('=');
      const n = eq < 0 ? trimmed : trimmed.slice(0, eq).trim();
      if (!isOwnCookieName(n)) kept.push(trimmed);
      else if (eq >= 0 && n === name) found.push(trimmed.slice(eq + 1).trim());
    }
  }
  if (kept.length === 0) delete headers['cookie'];
  else headers['cookie'] = kept.join('; ');
  return found;
}

/** Removes every Gatehouse cookie from the Cookie header the app will see. */
export function stripOwnCookies(headers: HeaderMap): void {
  takeOwnCookies(headers, '');
}

export interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined makes a browser-session cookie. */
  maxAgeSec?: number;
}

export function serializeCookie(name: string, value: string, opts: CookieOptions): string {
  let s = `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`;
  if (opts.secure) s += '; Secure';
  if (opts.maxAgeSec !== undefined) {
    s += `; Max-Age=${Math.max(0, Math.floor(opts.maxAgeSec))}`;
    if (opts.maxAgeSec <= 0) s += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  }
  return s;
}

export function deleteCookie(name: string, secure: boolean): string {
  return serializeCookie(name, '', { secure, maxAgeSec: 0 });
}

/** Appends Set-Cookie lines to a header map without losing ones already there. */
export function appendSetCookie(headers: HeaderMap, ...cookies: string[]): void {
  const existing = headerValues(headers['set-cookie']);
  headers['set-cookie'] = [...existing, ...cookies];
}
