// Where the desktop renderer lives (app://gatehouse/) and what the shell does with any other URL.
// Pure functions over URL strings, so the rules are unit-tested in plain Node.

export const APP_SCHEME = 'app';
export const APP_HOST = 'gatehouse';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The URL, when it is on the app's own origin, else null. Node's URL gives custom schemes an
 * opaque `origin` ("null") and keeps their host's case (Chromium lowercases a standard scheme's
 * host), so the parts are compared instead; credentials and ports never belong to it.
 */
export function parseAppUrl(url: string): URL | null {
  const u = parse(url);
  if (!u || u.protocol !== `${APP_SCHEME}:` || u.host.toLowerCase() !== APP_HOST || u.username || u.password || u.port) return null;
  return u;
}

export function isAppUrl(url: string): boolean {
  return parseAppUrl(url) !== null;
}

/** http(s) links without credentials: the only kind the shell hands to the app service to open externally. */
export function isExternalLinkCandidate(url: string): boolean {
  const u = parse(url);
  return !!u && (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
}

export type NavigationVerdict = 'allow' | 'open-externally' | 'deny';

/**
 * What to do when the page tries to navigate (a link, `location = ...`, a redirect). Only the app
 * itself may be shown in the window; an http(s) link goes to the app service, which opens it in the
 * user's browser if it is on its allow-list; everything else (file:, data:, javascript:, custom
 * schemes) is dropped.
 */
export function navigationVerdict(url: string): NavigationVerdict {
  if (isAppUrl(url)) return 'allow';
  if (isExternalLinkCandidate(url)) return 'open-externally';
  return 'deny';
}

/** `window.open` and target=_blank never create a window: at most the link opens externally. */
export function windowOpenVerdict(url: string): Exclude<NavigationVerdict, 'allow'> {
  return isExternalLinkCandidate(url) ? 'open-externally' : 'deny';
}
