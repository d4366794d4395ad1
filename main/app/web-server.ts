// Headless mode's adapter: the same renderer and the same contract as the desktop app, over
// HTTP on a loopback address. `POST /api/call/<method>` with `{"args":[...]}` answers
// `{"ok":true,"value":...}`; `GET /api/events` is a Server-Sent Events stream of GatehouseEvents.
// Guards: only loopback Host headers (DNS rebinding), and for every call a same-origin Origin
// plus a JSON content type (CSRF: no form or simple request can reach a state change).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { API_METHODS, type ApiMethod } from '../../preload/contract.ts';
import { assertGuardedLoopback, isLoopbackHost } from '../common/host-guard.ts';
import { hostPort, listen } from '../common/net.ts';
import { RENDERER_HEADERS, rendererType, resolveRendererPath } from '../common/renderer-assets.ts';
import type { AppService } from './service.ts';
import { BadArgumentsError } from './api-schema.ts';
import type { Logger } from '../common/log.ts';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer/', import.meta.url));

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebServer(service: AppService, host: string, port: number, log: Logger, rendererDir = RENDERER_DIR): Promise<WebServer> {
  assertGuardedLoopback(host, port);
  const methods = new Set<string>(API_METHODS);
  const streams = new Set<http.ServerResponse>();
  let actualPort = port;
  const origins = () => new Set([`http://127.0.0.1:${actualPort}`, `http://localhost:${actualPort}`, `http://[::1]:${actualPort}`]);

  const server = http.createServer(async (req, res) => {
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      res.end(text);
    };
    if (!isLoopbackHost(req, actualPort)) return json(403, { ok: false, error: 'Host not allowed: open Gatehouse at 127.0.0.1 or localhost' });
    const url = new URL(req.url ?? '/', 'http://x');

    if (url.pathname.startsWith('/api/call/')) {
      const method = url.pathname.slice('/api/call/'.length);
      if (req.method !== 'POST') return json(405, { ok: false, error: 'use POST' });
      if (!origins().has(req.headers.origin ?? '')) return json(403, { ok: false, error: 'cross-origin request refused' });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return json(415, { ok: false, error: 'expected application/json' });
      if (!methods.has(method)) return json(404, { ok: false, error: `unknown method ${method}` });
      let body: { args?: unknown };
      try {
        body = JSON.parse(await readBody(req, 256 * 1024));
      } catch {
        return json(400, { ok: false, error: 'the body must be JSON: {"args":[...]}' });
      }
      try {
        return json(200, { ok: true, value: await service.call(method as ApiMethod, body.args ?? []) });
      } catch (err) {
        if (err instanceof BadArgumentsError) return json(400, { ok: false, error: err.message });
        log.error('API call failed', { method, err: err as Error });
        return json(500, { ok: false, error: 'internal error; see the log' });
      }
    }

    if (url.pathname === '/api/events') {
      if (req.headers.origin && !origins().has(req.headers.origin)) return json(403, { ok: false, error: 'cross-origin request refused' });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      const off = service.onEvent((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      streams.add(res);
      req.on('close', () => {
        off();
        clearInterval(ping);
        streams.delete(res);
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { ok: false, error: 'method not allowed' });
    const file = resolveRendererPath(rendererDir, url.pathname);
    if (!file) return json(404, { ok: false, error: 'not found' });
    try {
      const data = await readFile(file);
      res.writeHead(200, { ...RENDERER_HEADERS, 'Content-Type': rendererType(file), 'X-Frame-Options': 'DENY' });
      res.end(req.method === 'HEAD' ? undefined : data);
    } catch {
      if (url.pathname === '/') return json(500, { ok: false, error: 'the UI is not built: run `npm run build`' });
      json(404, { ok: false, error: 'not found' });
    }
  });
  actualPort = await listen(server, port, host);
  return {
    url: `http://${hostPort(host, actualPort)}`,
    port: actualPort,
    close: () =>
      new Promise((r) => {
        for (const s of streams) s.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
