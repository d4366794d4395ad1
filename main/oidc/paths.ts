// Gatehouse's own URL paths. A module with no dependencies, so the edge can know them without
// loading the OIDC machinery until a tunnel actually uses single sign-on.

/** The one redirect URI of an edge, on its own host. */
export const CALLBACK_PATH = '/oauth2/callback';
/** Where the IdP sends the browser after its logout. */
export const SIGNED_OUT_PATH = '/oauth2/signed-out';
/** Reserved on every tunnel host; never forwarded to the app. */
export const RESERVED_PREFIX = '/.gatehouse/';
/** Starts a fresh login on a tunnel host. */
export const LOGIN_PATH = `${RESERVED_PREFIX}login`;
/** Ends the session on a tunnel host (and the IdP's, when it can). */
export const LOGOUT_PATH = `${RESERVED_PREFIX}logout`;
/** Where the central callback hands a new session to the tunnel host. */
export const HANDOFF_PATH = `${RESERVED_PREFIX}handoff`;

/**
 * Cheap test on a raw request target: false means its path cannot be, or decode to, a reserved
 * one. Only the path counts (a URL parser ends it at `?` or `#`), so an encoded query such as
 * `?q=a%20b` costs no URL parse. (Node's HTTP parser refuses tabs and newlines in a target,
 * which URL parsing would drop.)
 */
export function mayBeReserved(target: string): boolean {
  const end = target.search(/[?#]/);
  const path = end < 0 ? target : target.slice(0, end);
  return path.includes('%') || path.includes('\\') || /gatehouse/i.test(path);
}

/** True for anything that is, or decodes to, a path under /.gatehouse/ (any case). */
export function isReservedPath(pathname: string): boolean {
  if (pathname.startsWith(RESERVED_PREFIX)) return true;
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // keep the raw form
  }
  return decoded.toLowerCase().replace(/\\/g, '/').startsWith(RESERVED_PREFIX);
}

/** True for a raw request target whose path, as a URL parser resolves it (`..`, `\\`, `%2e`), is reserved. */
export function isReservedTarget(target: string): boolean {
  if (!mayBeReserved(target)) return false;
  try {
    return isReservedPath(new URL(target, 'http://x').pathname);
  } catch {
    return true; // unparseable, and it mentions gatehouse: refuse rather than forward
  }
}
