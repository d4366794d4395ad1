// The few pages Gatehouse itself shows a visitor (errors, denied, signed out): small static HTML,
// everything escaped, no script, and a CSP that would block one anyway.
import type { HeaderMap, Reply } from '../policy/types.ts';
import { escapeHtml } from '../common/html.ts';

export interface PageLink {
  href: string;
  text: string;
}

export interface PageSpec {
  status: number;
  title: string;
  /** Paragraphs of plain text. */
  lines: string[];
  links?: PageLink[];
  headers?: HeaderMap;
}


export const PAGE_HEADERS: HeaderMap = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;color:#1f2933;background:#f5f7fa;margin:0}' +
  'main{max-width:32rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}' +
  'h1{font-size:1.3rem;margin:0 0 1rem}a{color:#2563eb}p.links a{margin-right:1rem}';

export function renderPage(spec: PageSpec): Reply {
  const paras = spec.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('');
  const links = spec.links?.length
    ? `<p class="links">${spec.links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>`).join('')}</p>`
    : '';
  const body =
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${escapeHtml(spec.title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(spec.title)}</h1>${paras}${links}</main></body></html>`;
  return { status: spec.status, headers: { ...PAGE_HEADERS, ...spec.headers }, body };
}

export function redirect(location: string, headers: HeaderMap = {}): Reply {
  return {
    status: 302,
    headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', ...headers },
    body: '',
  };
}

/** 401 for requests a redirect would break (XHR/fetch, JSON clients, non-GET, upgrades). */
export function unauthenticated(wantsJson: boolean, loginPath: string): Reply {
  const headers: HeaderMap = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (wantsJson) {
    return {
      status: 401,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'unauthenticated', login_url: loginPath }),
    };
  }
  return {
    status: 401,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
    body: `Sign-in required. Open ${loginPath} in a browser to sign in.\n`,
  };
}
