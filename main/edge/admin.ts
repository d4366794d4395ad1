// The standalone edge's admin address (keep it private): /ready for load balancers and
// orchestrators, /metrics for Prometheus.
import http from 'node:http';
import type { EdgeMetrics } from './metrics.ts';
import { hostPort, listen } from '../common/net.ts';

export async function startAdmin(host: string, port: number, metrics: EdgeMetrics, ready: () => boolean): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/ready') {
      const ok = ready();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      return res.end(ok ? 'ready\n' : 'not ready\n');
    }
    if (path === '/metrics') {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      return res.end(body);
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  });
  const actual = await listen(server, port, host);
  return {
    url: `http://${hostPort(host, actual)}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
