// How the built renderer (dist/renderer) is served, in the desktop app (app://gatehouse/) and in
// headless mode (http://127.0.0.1:4040) alike: one CSP, one set of headers, one list of types,
// one rule for which file a path names.
import path from 'node:path';

/** The page may load only its own scripts, styles and images; nothing may frame it or be framed. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "frame-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const RENDERER_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const RENDERER_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The renderer file a URL path names inside `root`, or null when the path is not acceptable
 * (undecodable, a dot segment, a separator smuggled in, an unknown file type). `/` is the index.
 */
export function resolveRendererPath(root: string, pathname: string): string | null {
  // URL parsers have already folded `/a/../b`; what is left is checked segment by segment after decoding.
  const p = pathname.endsWith('/') ? `${pathname}index.html` : pathname;
  const segments: string[] = [];
  for (const raw of p.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s === '' || s === '.' || s === '..' || /[/\\:\0]/.test(s)) return null;
    segments.push(s);
  }
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  if (!file.startsWith(base + path.sep)) return null;
  if (!Object.hasOwn(RENDERER_TYPES, path.extname(file).toLowerCase())) return null;
  return file;
}

/** The Content-Type of a file resolveRendererPath accepted (it accepts only these types). */
export function rendererType(file: string): string {
  return RENDERER_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
