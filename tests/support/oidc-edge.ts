// A stand-in edge for OIDC tests: one HTTP server on loopback that plays the edge's part of the
// pipeline (edge host → OIDC service; tunnel host → RequestContext → openid-connect action → app)
// and forwards what passes to a local echo app. It calls main/oidc exactly as the real edge must,
// so swapping it for the real edge + agent changes only this file's callers' setup.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLogger, type Logger } from '../../main/common/log.ts';
import { createOidcService, type OidcAction, type OidcService } from '../../main/oidc/index.ts';
import type { HeaderMap, OpenIdConnectConfig, Reply, RequestContext, TunnelRef } from '../../main/policy/types.ts';

export interface EchoedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface OidcTestEdge {
  port: number;
  /** `http://localhost:PORT`. */
  baseUrl: string;
  service: OidcService;
  /** Log lines of the OIDC service. */
  logLines: string[];
  /** Every request the app received, in order. */
  appRequests: EchoedRequest[];
  addTunnel(name: string, config: OpenIdConnectConfig): Promise<TunnelRef>;
  removeTunnel(name: string): void;
  close(): Promise<void>;
}

export interface OidcTestEdgeOptions {
  sessionKey: Buffer;
  fetchCa?: string;
}

export function oidcConfig(over: Partial<OpenIdConnectConfig> & Pick<OpenIdConnectConfig, 'issuerUrl' | 'clientId'>): OpenIdConnectConfig {
  return {
    scopes: ['openid', 'profile', 'email'],
    authzUrlParams: {},
    maxSessionDurationSec: 7 * 24 * 3600,
    idleSessionDurationSec: 24 * 3600,
    allowCorsPreflight: false,
    tokenEndpointAuthMethod: 'client_secret_basic',
    groupsClaim: 'groups',
    allow: { emails: [], domains: [], groups: [] },
    ...over,
  };
}

export async function startOidcTestEdge(opts: OidcTestEdgeOptions): Promise<OidcTestEdge> {
  const appRequests: EchoedRequest[] = [];
  const app = http.createServer((req, res) => {
    appRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'app_cookie=1; Path=/' });
    res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
  });
  await listen(app);
  const appPort = (app.address() as AddressInfo).port;

  const edge = http.createServer();
  await listen(edge);
  const port = (edge.address() as AddressInfo).port;
  const baseUrl = `http://localhost:${port}`;
  const logLines: string[] = [];
  const log: Logger = createLogger({ level: 'debug', format: 'logfmt', write: (l) => logLines.push(l) });
  const service = createOidcService({ sessionKey: opts.sessionKey, edgeBaseUrl: baseUrl, log, fetchCa: opts.fetchCa });
  const tunnels = new Map<string, { ref: TunnelRef; action: OidcAction }>();

  const tunnelFor = (host: string | undefined) => {
    const h = (host ?? '').toLowerCase();
    for (const t of tunnels.values()) if (t.ref.hostname === h) return t;
    return undefined;
  };

  edge.on('request', (req, res) => {
    // 1. The edge's own host: the OIDC service's callback paths, else 404.
    if ((req.headers.host ?? '').toLowerCase() === `localhost:${port}`) {
      if (!service.handleEdgeRequest(req, res)) writeReply(res, { status: 404, body: 'not found' });
      return;
    }
    // 2. A tunnel host: run the action over a RequestContext, then reply or forward.
    const t = tunnelFor(req.headers.host);
    if (!t) return writeReply(res, { status: 404, body: 'no such tunnel' });
    const ctx = makeContext(req, t.ref, false);
    Promise.resolve(t.action.run(ctx)).then(
      () => {
        if (ctx.result) return writeReply(res, ctx.result);
        forward(req, res, ctx, appPort);
      },
      (err: Error) => writeReply(res, { status: 500, body: `action failed: ${err.message}` }),
    );
  });

  edge.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
    const t = tunnelFor(req.headers.host);
    if (!t) return socket.destroy();
    const ctx = makeContext(req, t.ref, true);
    Promise.resolve(t.action.run(ctx)).then(() => {
      // The stand-in has no WebSocket app: a request that passes the gate gets 502 here.
      const r = ctx.result ?? { status: 502, body: 'upgrade passed the gate' };
      const body = String(r.body ?? '');
      socket.end(`HTTP/1.1 ${r.status} X\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  });

  return {
    port,
    baseUrl,
    service,
    logLines,
    appRequests,
    async addTunnel(name, config) {
      const ref: TunnelRef = { name, hostname: `${name}.localhost:${port}`, publicUrl: `http://${name}.localhost:${port}` };
      const action = service.createAction(config, ref);
      await action.ready();
      tunnels.set(name, { ref, action });
      return ref;
    },
    removeTunnel(name) {
      tunnels.get(name)?.action.close?.();
      tunnels.delete(name);
    },
    async close() {
      for (const t of tunnels.values()) t.action.close?.();
      await Promise.all([app, edge].map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
    },
  };
}

function listen(s: http.Server): Promise<void> {
  return new Promise((r) => s.listen(0, '127.0.0.1', r));
}

type TestContext = RequestContext & { result?: Reply };

function makeContext(req: http.IncomingMessage, tunnel: TunnelRef, isUpgrade: boolean): TestContext {
  const headers: HeaderMap = { ...req.headers };
  const ctx: TestContext = {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', tunnel.publicUrl),
    headers,
    clientIp: req.socket.remoteAddress ?? '',
    isUpgrade,
    tunnel,
    responseHeaders: {},
    reply(r) {
      ctx.result = r;
    },
    get replied() {
      return ctx.result !== undefined;
    },
  };
  return ctx;
}

function forward(req: http.IncomingMessage, res: http.ServerResponse, ctx: TestContext, appPort: number): void {
  const headers = { ...ctx.headers };
  delete headers['connection'];
  const up = http.request({ host: '127.0.0.1', port: appPort, method: ctx.method, path: req.url, headers }, (upRes) => {
    const out: HeaderMap = { ...upRes.headers };
    // Edge-added response headers (the rolled session cookie) join the app's own.
    for (const [k, v] of Object.entries(ctx.responseHeaders)) {
      if (v === undefined) continue;
      const prev = out[k];
      out[k] = k === 'set-cookie' ? [...toList(prev), ...toList(v)] : v;
    }
    res.writeHead(upRes.statusCode ?? 502, out as http.OutgoingHttpHeaders);
    upRes.pipe(res);
  });
  up.on('error', () => writeReply(res, { status: 502, body: 'app unreachable' }));
  req.pipe(up);
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function writeReply(res: http.ServerResponse, r: Reply): void {
  if (res.headersSent) return;
  res.writeHead(r.status, (r.headers ?? {}) as http.OutgoingHttpHeaders);
  res.end(r.body ?? '');
}
