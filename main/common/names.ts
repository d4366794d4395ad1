// Tunnel names: the first DNS label of a tunnel's hostname. No Node imports: the renderer's
// form checks use the same rules.

/** One DNS label: 1-63 lower-case letters, digits and hyphens, no hyphen at either end. */
export const TUNNEL_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RESERVED = new Set(['www', 'api', 'admin', 'edge', 'auth', 'login', 'oauth2', 'gatehouse']);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Why a requested name is not usable, or null when it is. */
export function nameProblem(name: string): string | null {
  if (!TUNNEL_NAME.test(name)) {
    return `"${name}" is not a valid tunnel name: use 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen`;
  }
  if (RESERVED.has(name)) return `"${name}" is reserved; pick another name`;
  return null;
}

/** A random 8-character name (36^8 ≈ 2.8e12 possibilities, so collisions are negligible). */
export function randomName(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  let out = '';
  for (const b of bytes) {
    if (b >= 252) continue; // 252 = 7 * 36: reject to keep the alphabet uniform
    out += ALPHABET[b % 36];
    if (out.length === 8) return out;
  }
  return randomName();
}

/**
 * `--url` accepts a bare name, a full hostname under the edge's domain, or a URL; return the name.
 * (`myapp`, `myapp.localhost:8080`, `http://myapp.localhost:8080`.)
 */
export function nameFromUrlFlag(value: string): string {
  let host = value.trim().toLowerCase();
  const scheme = host.indexOf('://');
  if (scheme >= 0) host = host.slice(scheme + 3);
  host = host.replace(/\/.*$/, '');
  return host.split('.')[0]!.replace(/:\d+$/, '');
}
