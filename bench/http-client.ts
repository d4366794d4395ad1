// One HTTP(S) request to loopback with an explicit Host header (Node does not resolve
// *.localhost, so tunnel hosts are reached at 127.0.0.1 with `Host: name.localhost:port`).
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

export interface RequestOptions {
  port: number;
  path: string;
  host: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** https with this CA (the test IdP). */
  ca?: string;
  timeoutMs?: number;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function request(o: RequestOptions): Promise<Response> {
  const mod = o.ca ? https : http;
  const name = o.host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        host: '127.0.0.1',
        port: o.port,
        path: o.path,
        method: o.method ?? 'GET',
        headers: { host: o.host, ...o.headers },
        agent: false,
        ...(o.ca ? { ca: o.ca, ...(isIP(name) ? {} : { servername: name }) } : {}),
        timeout: o.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${o.host}${o.path} timed out`)));
    req.on('error', reject);
    req.end(o.body);
  });
}
