// The visitor's identity: built from ID-token and userinfo claims, sent to the app as headers.
import type { HeaderMap, Identity } from '../policy/types.ts';

const IDENTITY_HEADERS = [
  'x-forwarded-user',
  'x-forwarded-email',
  'x-forwarded-preferred-username',
  'x-forwarded-groups',
] as const;

const MAX_GROUPS = 256;
const MAX_CLAIM_LEN = 512;

const IDENTITY = new Set<string>(IDENTITY_HEADERS);

/** An identity header in any spelling an app's server might take for it: any case, `_` for `-`. */
export function isIdentityHeader(name: string): boolean {
  if (name[0] !== 'x' && name[0] !== 'X') return false; // every identity header starts with x
  const lower = name.toLowerCase();
  return IDENTITY.has(lower) || (lower.includes('_') && IDENTITY.has(lower.replaceAll('_', '-')));
}

/** Removes every copy of the identity headers from a header map (a visitor's, or a policy's). */
export function stripIdentityHeaders(headers: HeaderMap): void {
  for (const key of Object.keys(headers)) if (isIdentityHeader(key)) delete headers[key];
}

/** The identity headers' values for one identity (header-safe). */
export function identityHeaders(id: Identity): Record<string, string> {
  const h: Record<string, string> = { 'x-forwarded-user': headerValue(id.id) };
  if (id.email) h['x-forwarded-email'] = headerValue(id.email);
  if (id.preferredUsername) h['x-forwarded-preferred-username'] = headerValue(id.preferredUsername);
  if (id.groups.length > 0) h['x-forwarded-groups'] = headerValue(id.groups.join(','));
  return h;
}

/**
 * Header-safe form of an IdP value: control characters dropped; non-ASCII sent as UTF-8 bytes in
 * Node's latin1 string convention (how Node itself hands incoming header bytes to JavaScript).
 */
export function headerValue(v: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = v.replace(/[\x00-\x1f\x7f]/g, '');
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(clean) ? clean : Buffer.from(clean, 'utf8').toString('latin1');
}

export type Claims = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, MAX_CLAIM_LEN) : undefined;
}

export function identityFromClaims(claims: Claims, groupsClaim: string): Identity {
  const sub = str(claims['sub']);
  if (!sub) throw new Error('the IdP returned no subject (sub) claim');
  const given = str(claims['given_name']);
  const family = str(claims['family_name']);
  const name = str(claims['name']) ?? ([given, family].filter(Boolean).join(' ') || undefined);
  const ev = claims['email_verified'];
  return {
    id: sub,
    email: str(claims['email']),
    // Some IdPs send the flag as a string.
    emailVerified: ev === true || ev === 'true',
    name,
    preferredUsername: str(claims['preferred_username']),
    groups: groupsFrom(claims[groupsClaim]),
  };
}

function groupsFrom(v: unknown): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : [];
  return list
    .filter((g): g is string => typeof g === 'string' && g.length > 0)
    .map((g) => g.slice(0, MAX_CLAIM_LEN))
    .slice(0, MAX_GROUPS);
}
