// Prometheus metrics of the standalone edge (prom-client), read on scrape from the edge's own
// counters so the request path pays nothing extra.
import client from 'prom-client';
import type { Edge } from './edge.ts';
import { CALLBACK_PATH } from '../oidc/paths.ts';

export interface EdgeMetrics {
  registry: client.Registry;
  observe(status: number, where: 'tunnel' | 'edge', path: string): void;
}

export function createEdgeMetrics(getEdge: () => Edge | null): EdgeMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'gatehouse_process_' });
  const stats = () => getEdge()?.stats();
  new client.Gauge({ name: 'gatehouse_tunnels', help: 'Tunnels bound at the edge', registers: [registry], collect() { this.set(stats()?.tunnels ?? 0); } });
  new client.Gauge({ name: 'gatehouse_agent_connections', help: 'Agent connections', registers: [registry], collect() { this.set(stats()?.agents ?? 0); } });
  new client.Gauge({ name: 'gatehouse_open_streams', help: 'Streams (requests, WebSockets) open through tunnels', registers: [registry], collect() { this.set(stats()?.openStreams ?? 0); } });
  new client.Gauge({
    name: 'gatehouse_tunnel_bytes',
    help: 'Body bytes carried through tunnels, by direction (to_agent = requests, from_agent = responses)',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      const s = stats();
      this.set({ direction: 'to_agent' }, s?.bytesOut ?? 0);
      this.set({ direction: 'from_agent' }, s?.bytesIn ?? 0);
    },
  });
  new client.Gauge({
    name: 'gatehouse_heartbeat_rtt_seconds',
    help: 'Largest last heartbeat round trip over agent connections',
    registers: [registry],
    collect() {
      const rtts = stats()?.heartbeatRttMs ?? [];
      this.set(rtts.length ? Math.max(...rtts) / 1000 : 0);
    },
  });
  const requests = new client.Counter({ name: 'gatehouse_requests_total', help: 'Visitor requests by status class', labelNames: ['status'], registers: [registry] });
  const auth = new client.Counter({ name: 'gatehouse_auth_callbacks_total', help: 'OIDC callbacks by outcome', labelNames: ['outcome'], registers: [registry] });
  return {
    registry,
    observe(status, where, path) {
      if (where === 'tunnel') requests.inc({ status: `${Math.floor(status / 100)}xx` });
      else if (path.startsWith(CALLBACK_PATH)) auth.inc({ outcome: status === 302 || status === 303 ? 'success' : status === 429 ? 'rate_limited' : 'failure' });
    },
  };
}
