// The edge: the public HTTP server. Routes each request by Host to the tunnel bound to that
// hostname, accepts agent connections (WebSocket at AGENT_PATH on the edge's own host), and
// serves the edge's own endpoints (the central OIDC callback). Runs embedded in the desktop
// app / CLI, or standalone as `gatehouse edge`.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MuxSession } from '../protocol/session.ts';
import { MAX_MESSAGE } from '../protocol/frame.ts';
import { AGENT_PATH } from '../protocol/messages.ts';
import { TunnelRegistry } from './registry.ts';
import { proxyRequest, proxyUpgrade, sendPage, writeRawReply, type ProxyEnv } from './proxy.ts';
import { handleAgentSession, type AgentGrant, type PolicyFactory } from './agents.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import { hostPort, listen } from '../common/net.ts';
import { RateLimiter } from './rate-limit.ts';
import { serveLocalSocket, type LocalSocket } from './local-socket.ts';
import { clientIpOf } from './context.ts';
import { delay, waitFor } from '../common/wait.ts';
import type { EdgeStats } from './types.ts';
import { CALLBACK_PATH, LOGIN_PATH } from '../oidc/paths.ts';

/**
 * The edge's HTTP server settings, plain or TLS. optimizeEmptyRequests (Node 24.12+, ignored
 * before): a request without Content-Length or Transfer-Encoding starts out ended, so the usual
 * GET skips the stream's end-of-body events (pinned A/B: 3-4 us less CPU per small GET);
 * proxy.ts forwards a body by the same test.
 */
export const EDGE_SERVER_OPTIONS = {
  optimizeEmptyRequests: true,
  maxHeaderSize: 16 * 1024,
  requestTimeout: 0,
  headersTimeout: 20_000,
  keepAliveTimeout: 65_000,
} as const satisfies http.ServerOptions;

export interface EdgeOptions {
  host: string;
  port: number;
  /** The edge's public base URL: `http://localhost:8080`, `https://tunnels.example.com`. Tunnels live at `<scheme>://<name>.<host>`. */
  baseUrl?: string;
  /** Decides whether an agent's bearer token is accepted. */
  authorize(token: string | undefined): AgentGrant | null;
  /** Compiles a tunnel's traffic policy; without it, a tunnel that sends a policy is refused. */
  policyFactory?: PolicyFactory;
  /** Serves requests on the edge's own host (the OIDC callback); returns false to fall through to 404. */
  edgeHandler?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  heartbeatMs?: number;
  toleranceMs?: number;
  /** Most requests in flight per tunnel; more get a 503 page. */
  maxStreamsPerTunnel?: number;
  /** Login attempts (OIDC callback, /.gatehouse/login) per client IP and minute; unlimited when absent. */
  loginRatePerMinute?: number;
  /** Log every tunnel request (the standalone edge does; the embedded one leaves it to the inspector). */
  accessLog?: boolean;
  /** Called once per finished request with its status, for metrics (`edge` = the edge's own host). */
  observe?: (status: number, where: 'tunnel' | 'edge', path: string) => void;
  log?: Logger;
  /** An https.Server for TLS; plain HTTP when absent. */
  server?: http.Server;
  /** Also serve a private local socket (see local-socket.ts), for an agent on this machine. */
  localSocket?: boolean;
}

export interface Edge {
  /** Where agents connect, e.g. `ws://127.0.0.1:8080/.gatehouse/agent`. */
  readonly agentUrl: string;
  readonly baseUrl: string;
  readonly port: number;
  /** The private local socket's path, when `localSocket` was asked for. */
  readonly localSocketPath: string | undefined;
  stats(): EdgeStats;
  /** Stop accepting, tell agents to go away, let in-flight requests finish for up to graceMs. */
  close(graceMs?: number): Promise<void>;
}

export async function startEdge(opts: EdgeOptions): Promise<Edge> {
  const log = opts.log ?? silentLogger;
  const registry = new TunnelRegistry();
  const sessions = new Set<MuxSession>();
  const server = opts.server ?? http.createServer(EDGE_SERVER_OPTIONS);
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE + 1024 });
  const port = await listen(server, opts.port, opts.host);
  let local: LocalSocket | null = null;
  try {
    if (opts.localSocket) local = await serveLocalSocket(server);
  } catch (err) {
    server.close();
    throw err;
  }
  const base = new URL(opts.baseUrl ?? `http://localhost:${port}`);
  const scheme = base.protocol === 'https:' ? 'https' : 'http';
  const baseHost = base.host.toLowerCase(); // includes a non-default port
  const env: ProxyEnv = { registry, log, scheme, accessLog: opts.accessLog ?? false, stats: { requests: 0, inFlight: 0 } };
  const hostToTunnel = (host: string | undefined) => {
    if (!host) return undefined;
    const h = normalizeHost(host, scheme);
    return h.endsWith('.' + baseHost) ? registry.get(h) : undefined;
  };

  const limiter = opts.loginRatePerMinute ? new RateLimiter(opts.loginRatePerMinute, Math.max(5, opts.loginRatePerMinute / 2)) : null;
  const tooManyLogins = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!limiter || !isLoginPath(req.url)) return false;
    if (limiter.take(clientIpOf(req))) return false;
    res.setHeader('retry-after', '60');
    sendPage(res, 429, 'Too many sign-in attempts', 'Too many sign-in attempts from your address. Wait a minute and try again.');
    return true;
  };

  server.on('request', (req, res) => {
    const t = hostToTunnel(req.headers.host);
    if (opts.observe) {
      const observe = opts.observe;
      res.on('close', () => observe(res.statusCode, t ? 'tunnel' : 'edge', req.url ?? '/'));
    }
    if (tooManyLogins(req, res)) return;
    if (t) {
      if (opts.maxStreamsPerTunnel !== undefined && t.inFlight >= opts.maxStreamsPerTunnel) {
        return sendPage(res, 503, 'Tunnel busy', `${t.hostname} is answering as many requests as it may at once. Try again in a moment.`);
      }
      proxyRequest(env, t, req, res).catch((err: Error) => {
        log.error('request failed', { err });
        sendPage(res, 500, 'Gatehouse error', 'The edge could not handle this request.');
      });
      return;
    }
    if (isEdgeHost(req.headers.host, baseHost, scheme) && opts.edgeHandler?.(req, res)) return;
    const host = req.headers.host ?? '(none)';
    sendPage(res, 404, 'Tunnel not found', `No tunnel is online at ${host}. Check the address, or start the tunnel in Gatehouse.`);
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, early: Buffer) => {
    socket.on('error', () => socket.destroy());
    const t = hostToTunnel(req.headers.host);
    if (t) {
      proxyUpgrade(env, t, req, socket, early).catch(() => socket.destroy());
      return;
    }
    if (new URL(req.url ?? '/', 'http://x').pathname !== AGENT_PATH) return refuseUpgrade(socket, 404, 'no tunnel at this host');
    const token = bearer(req.headers.authorization);
    const grant = opts.authorize(token);
    if (!grant) {
      log.warn('agent refused: authtoken rejected', { ip: req.socket.remoteAddress });
      return refuseUpgrade(socket, 401, 'authtoken rejected by edge');
    }
    wss.handleUpgrade(req, socket, early, (ws: WebSocket) => {
      const session = new MuxSession(ws, { client: false, heartbeatMs: opts.heartbeatMs, toleranceMs: opts.toleranceMs, log });
      sessions.add(session);
      session.on('close', () => {
        sessions.delete(session);
        closedBytes.in += session.bytesIn;
        closedBytes.out += session.bytesOut;
      });
      handleAgentSession({ session, grant, registry, log, scheme, baseHost, policyFactory: opts.policyFactory });
    });
  });

  const closedBytes = { in: 0, out: 0 };
  const agentUrl = `${opts.server instanceof https.Server ? 'wss' : 'ws'}://${hostPort(opts.host, port)}${AGENT_PATH}`;
  let closing: Promise<void> | null = null;
  return {
    agentUrl,
    baseUrl: base.origin,
    port,
    localSocketPath: local?.path,
    stats: () => {
      const all = [...sessions];
      return {
        agents: all.length,
        tunnels: registry.size,
        openStreams: all.reduce((n, s) => n + s.streamCount, 0),
        requests: env.stats.requests,
        bytesIn: all.reduce((n, s) => n + s.bytesIn, 0) + closedBytes.in,
        bytesOut: all.reduce((n, s) => n + s.bytesOut, 0) + closedBytes.out,
        heartbeatRttMs: all.map((s) => s.rttMs).filter((r) => r > 0),
      };
    },
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const s of sessions) s.goAway();
        await waitFor(() => env.stats.inFlight === 0, graceMs);
        for (const s of sessions) s.close(1001, 'edge shutting down');
        server.closeAllConnections();
        wss.close();
        registry.clear();
        await Promise.all([Promise.race([closed, delay(1000)]), local?.close()]);
      })();
      return closing;
    },
  };
}

/** Lower-case host with the scheme's default port removed. */
function normalizeHost(host: string, scheme: 'http' | 'https'): string {
  const h = host.toLowerCase();
  const def = scheme === 'https' ? ':443' : ':80';
  return h.endsWith(def) ? h.slice(0, -def.length) : h;
}

function isEdgeHost(host: string | undefined, baseHost: string, scheme: 'http' | 'https'): boolean {
  return host !== undefined && normalizeHost(host, scheme) === baseHost;
}

function isLoginPath(url: string | undefined): boolean {
  return !!url && (url.startsWith(CALLBACK_PATH) || url.startsWith(LOGIN_PATH));
}

function bearer(header: string | undefined): string | undefined {
  const m = header && /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : undefined;
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  writeRawReply(socket, { status, headers: { 'content-type': 'text/plain' }, body: message });
}
