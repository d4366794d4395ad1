// Test harness: a real edge, a real agent and a real local app on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEdge, type Edge, type EdgeOptions } from '../../main/edge/edge.ts';
import { Agent, type AgentOptions } from '../../main/agent/agent.ts';
import type { TunnelInfo, TunnelSpec } from '../../main/agent/types.ts';

export async function startApp(handler: http.RequestListener): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const TOKEN = 'test-token-0123456789';

export async function startTestEdge(over: Partial<EdgeOptions> = {}): Promise<Edge> {
  return startEdge({
    host: '127.0.0.1',
    port: 0,
    authorize: (t) => (t === TOKEN ? { label: 'test' } : null),
    ...over,
  });
}

export async function startTestAgent(edge: Edge, over: Partial<AgentOptions> = {}): Promise<Agent> {
  const agent = new Agent({ edgeUrl: edge.agentUrl, authtoken: TOKEN, ...over });
  agent.start();
  await agent.waitOnline();
  return agent;
}

export interface Tunnelled {
  edge: Edge;
  agent: Agent;
  tunnel: TunnelInfo;
  /** Host header visitors send, e.g. `abc.localhost:PORT`. */
  host: string;
  close(): Promise<void>;
}

export async function startTunnel(spec: TunnelSpec, edgeOver: Partial<EdgeOptions> = {}, agentOver: Partial<AgentOptions> = {}): Promise<Tunnelled> {
  const edge = await startTestEdge(edgeOver);
  const agent = await startTestAgent(edge, agentOver);
  const tunnel = await agent.bind(spec);
  return {
    edge,
    agent,
    tunnel,
    host: new URL(tunnel.publicUrl).host,
    async close() {
      await agent.close(100);
      await edge.close(100);
    },
  };
}

/** A request to the edge at 127.0.0.1 with an explicit Host (Node does not resolve *.localhost). */
export function request(
  edge: Edge,
  host: string,
  opts: http.RequestOptions & { body?: string | Buffer } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: edge.port, path: '/', ...opts, headers: { host, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
