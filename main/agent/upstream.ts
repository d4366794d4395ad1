// The agent's side of one visitor request: replay it against the local app over a keep-alive
// connection pool, stream the answer back on the same tunnel stream, and log it for the inspector.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { MuxStream } from '../protocol/stream.ts';
import type { RequestHead, ResponseHead } from '../protocol/messages.ts';
import type { LocalAddr } from './local-addr.ts';
import { forward } from '../common/forward.ts';
import type { RequestLogEntry } from './types.ts';

export function createLocalPool(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256, scheduling: 'lifo' });
}

export function serveStream(stream: MuxStream, target: LocalAddr, pool: http.Agent, onLog?: (e: RequestLogEntry) => void): void {
  const head = stream.head as RequestHead;
  if (!head || typeof head.method !== 'string' || typeof head.url !== 'string' || !Array.isArray(head.headers)) {
    stream.reset();
    return;
  }
  const startedAt = Date.now();
  const flat: string[] = [];
  for (const [k, v] of head.headers) flat.push(k, v);
  const req = http.request({
    host: target.host,
    port: target.port,
    method: head.method,
    path: head.url,
    headers: flat,
    agent: head.upgrade ? false : pool,
    setHost: false,
  });
  let answered = false;
  const log = (status: number, resHeaders: string[]) => {
    if (!onLog) return;
    onLog({
      id: randomUUID(),
      tunnel: head.tunnel,
      startedAt,
      durationMs: Date.now() - startedAt,
      method: head.method,
      path: head.url,
      status,
      user: headerValue(head.headers, 'x-forwarded-email'),
      requestHeaders: head.headers.map(([k, v]) => [k, maskHeader(k, v)]),
      responseHeaders: toPairs(resHeaders).map(([k, v]) => [k, maskHeader(k, v)]),
    });
  };

  req.on('response', (res) => {
    answered = true;
    stream.sendHeaders({ status: res.statusCode ?? 502, headers: toPairs(res.rawHeaders) } satisfies ResponseHead);
    forward(res, stream);
    res.on('end', () => log(res.statusCode ?? 0, res.rawHeaders));
    res.on('error', () => stream.reset());
  });
  req.on('upgrade', (res, socket, upHead) => {
    answered = true;
    stream.sendHeaders({ status: res.statusCode ?? 101, headers: toPairs(res.rawHeaders) } satisfies ResponseHead);
    log(res.statusCode ?? 101, res.rawHeaders);
    if (upHead.length) stream.write(upHead);
    socket.pipe(stream);
    stream.pipe(socket);
    socket.on('error', () => stream.reset());
    socket.on('close', () => stream.end());
    stream.on('error', () => socket.destroy());
  });
  req.on('error', (err: NodeJS.ErrnoException) => {
    if (answered) return stream.reset();
    answered = true;
    stream.sendHeaders({ status: 502, headers: [], error: err.code ?? err.message } satisfies ResponseHead);
    stream.resume();
    stream.end();
    log(502, []);
  });
  stream.on('error', () => req.destroy());
  stream.on('close', () => {
    if (!req.writableFinished || !answered) req.destroy();
  });
  // A request without a body (FIN came with the head) goes out at once.
  if (head.upgrade || (stream.finReceived && stream.readableLength === 0)) {
    req.end();
    if (!head.upgrade) stream.resume();
  } else forward(stream, req);
}

function toPairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function headerValue(pairs: [string, string][], name: string): string | undefined {
  for (const [k, v] of pairs) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** The inspector shows headers, but never credentials. */
export function maskHeader(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') return value.replace(/^(\S+\s+).*$/, '$1••••');
  if (n === 'cookie') return value.replace(/(__gatehouse[^=]*)=[^;]*/gi, '$1=••••');
  if (n === 'set-cookie' && /^__gatehouse/i.test(value)) return value.replace(/=[^;]*/, '=••••');
  return value;
}
