// Minimal, self-contained HTML pages for the edge (errors, notices): no script, one inline
// style block (the page's CSP allows nothing else), every dynamic value escaped.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and quoted attribute values: the one HTML escape of the project (edge, OIDC, policy pages). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

export interface PageLink {
  href: string;
  label: string;
}

export function htmlPage(title: string, message: string, links: PageLink[] = []): string {
  const linkHtml = links.map((l) => `<a href="${escapeHtml(l.href)}">${escapeHtml(l.label)}</a>`).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Gatehouse</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2330}
main{max-width:34rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002}
h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:.5rem 0}a{color:#2557d6}small{color:#667}
@media(prefers-color-scheme:dark){body{background:#14171d;color:#e6e8ee}main{background:#1d2129}a{color:#8fb0ff}}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${linkHtml ? `<p>${linkHtml}</p>` : ''}
<p><small>Gatehouse</small></p></main></body></html>`;
}

/** Headers for a page the edge itself answers with. */
export function pageHeaders(body: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}
