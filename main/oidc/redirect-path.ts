// Where to send a visitor after login or logout: only a local path on the same host. Anything that
// a browser could read as another origin (`//evil`, `/\evil`, encoded or whitespace-smuggled
// forms, absolute URLs) falls back to `/`. Callers prefix the result with the tunnel's own origin.

export const MAX_RETURN_PATH = 2048;
const PROBE_ORIGIN = 'http://gatehouse.invalid';

export function safeReturnPath(input: unknown): string {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_RETURN_PATH) return '/';
  if (!looksLocal(input)) return '/';
  // Decoded forms must be just as local: some servers and browsers decode once (or twice) more.
  let decoded = input;
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      return '/';
    }
    if (next === decoded) break;
    if (!decodedLooksLocal(next)) return '/';
    decoded = next;
  }
  let url: URL;
  try {
    url = new URL(input, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PROBE_ORIGIN) return '/';
  const path = url.pathname + url.search;
  return path.startsWith('//') ? '/' : path;
}

const SPACE_OR_CONTROL =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x20\x7f\u0085\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/** A decoded form may hold encoded spaces (`?q=a%20b`), but must not start like another origin. */
function decodedLooksLocal(s: string): boolean {
  const squeezed = s.replace(new RegExp(SPACE_OR_CONTROL.source, 'g'), '');
  return squeezed.startsWith('/') && !squeezed.startsWith('//') && !squeezed.startsWith('/\\');
}

function looksLocal(s: string): boolean {
  if (!s.startsWith('/')) return false;
  if (s.startsWith('//')) return false;
  // Backslashes are slashes to browsers; controls and whitespace are dropped or folded by them.
  if (s.includes('\\') || SPACE_OR_CONTROL.test(s)) return false;
  return true;
}
