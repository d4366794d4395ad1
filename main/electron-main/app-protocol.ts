// Serves the built renderer (dist/renderer) on app://gatehouse/ for `protocol.handle`.
// Plain Node (fetch's Request/Response), no Electron: tested directly in Node.
// Only GET/HEAD of known file types under the root; anything that decodes to a path outside the
// root, an encoded slash or a NUL is refused before the file system is touched.
import { readFile, stat } from 'node:fs/promises';
import { parseAppUrl } from './app-origin.ts';
import { RENDERER_HEADERS, rendererType, resolveRendererPath } from '../common/renderer-assets.ts';

/**
 * The file an app:// URL names inside `root`, or null when the URL is not ours or the path is
 * not acceptable. `/` is the index page.
 */
export function resolveAppPath(root: string, url: string): string | null {
  const u = parseAppUrl(url);
  return u ? resolveRendererPath(root, u.pathname) : null;
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...RENDERER_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The `protocol.handle` handler for app://gatehouse/, serving files from `root`. */
export function createAppRequestHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const file = resolveAppPath(root, request.url);
    if (!file) return plain(404, 'Not found');
    try {
      if (!(await stat(file)).isFile()) return plain(404, 'Not found');
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, { status: 200, headers: { ...RENDERER_HEADERS, 'Content-Type': rendererType(file) } });
    } catch {
      return plain(404, 'Not found');
    }
  };
}
