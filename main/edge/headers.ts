import { isIdentityHeader } from '../oidc/identity.ts';

// Header hygiene on the way through the edge: hop-by-hop headers stop here (RFC 9110 §7.6.1),
// and X-Forwarded-* are set from what the edge saw, never trusted from the visitor.

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
  'x-request-id',
]);

/**
 * Node's rawHeaders (names and values alternating, as the protocol carries them), minus
 * hop-by-hop headers, any named in Connection, and forged identity.
 */
export function requestHeaders(raw: string[], connection: string | undefined, keepUpgrade: boolean): string[] {
  const named = connection ? new Set(connection.toLowerCase().split(',').map((s) => s.trim())) : null;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || named?.has(lower)) {
      if (!(keepUpgrade && (lower === 'upgrade' || lower === 'connection'))) continue;
    }
    if (isIdentityHeader(lower)) continue; // only the edge may set these
    out.push(name, raw[i + 1]!);
  }
  return out;
}

/** Map form (lower-case keys) for the traffic policy; back to a flat list after it ran. */
export function flatToMap(flat: string[]): Record<string, string | string[]> {
  const map: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const key = flat[i]!.toLowerCase();
    const v = flat[i + 1]!;
    const prev = map[key];
    if (prev === undefined) map[key] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else map[key] = [prev, v];
  }
  return map;
}

export function mapToFlat(map: Record<string, string | string[] | undefined>): string[] {
  const out: string[] = [];
  // for-in, not Object.entries: no array per header on the SSO hot path.
  for (const k in map) {
    const v = map[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(k, x);
    else out.push(k, v);
  }
  return out;
}

/** What the edge tells the app about the visitor's request; the request id also names it in the edge's logs. */
export function addForwarded(headers: string[], clientIp: string, host: string, proto: string, requestId: string): void {
  headers.push('X-Forwarded-For', clientIp, 'X-Forwarded-Host', host, 'X-Forwarded-Proto', proto, 'X-Request-Id', requestId);
}

const RESPONSE_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'trailer', 'upgrade']);

/** Response headers (names and values alternating) for res.writeHead, hop-by-hop removed. */
export function responseHeaders(headers: string[], keepUpgrade = false): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    const lower = headers[i]!.toLowerCase();
    if (RESPONSE_HOP.has(lower) && !(keepUpgrade && (lower === 'upgrade' || lower === 'connection'))) continue;
    out.push(headers[i]!, headers[i + 1]!);
  }
  return out;
}
