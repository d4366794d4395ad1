// The agent's local API, shaped like ngrok's (`GET /api/tunnels`, `/api/status`,
// `/api/requests/http`) so scripts written for ngrok's agent API keep working.
import http from 'node:http';
import type { Agent } from '../agent/agent.ts';
import type { RequestLogEntry } from '../agent/types.ts';
import { assertGuardedLoopback, isLoopbackHost } from '../common/host-guard.ts';
import { hostPort, listen } from '../common/net.ts';
import type { Ring } from '../common/ring.ts';

export interface AgentApi {
  url: string;
  close(): Promise<void>;
}

export async function startAgentApi(agent: Agent, host: string, port: number, log: Ring<RequestLogEntry>): Promise<AgentApi> {
  assertGuardedLoopback(host, port);
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
    };
    if (!isLoopbackHost(req, port)) return send(403, { error: 'Host not allowed: this API answers only to localhost, 127.0.0.1 or [::1]' });
    if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/tunnels') {
      return send(200, {
        tunnels: agent.tunnels().map((t) => ({
          name: t.name,
          public_url: t.publicUrl,
          proto: t.publicUrl.startsWith('https') ? 'https' : 'http',
          config: { addr: t.addr, inspect: true },
        })),
        uri: '/api/tunnels',
      });
    }
    if (path === '/api/status') {
      return send(200, { status: agent.state.state, reason: agent.state.reason ?? null, latency_ms: agent.latencyMs ?? null, tunnels: agent.tunnels().length });
    }
    if (path === '/api/requests/http') {
      return send(200, { requests: log.newest(100), uri: '/api/requests/http' });
    }
    send(404, { error: 'not found' });
  });
  // The Host guard checks the bound port (the OS picks one for port 0).
  port = await listen(server, port, host);
  return {
    url: `http://${hostPort(host, port)}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
