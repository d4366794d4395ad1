// The agent's side of one visitor request: replay it against the local app and stream the
// answer back on the same tunnel stream, logging it for the inspector. Plain requests go
// through undici's keep-alive pools (one per local origin; much lighter per request than
// node:http's client); WebSocket and other upgrades through node:http, which hands over the socket.
import http from 'node:http';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { Pool, type Dispatcher } from 'undici';
import type { MuxStream } from '../protocol/stream.ts';
import { forward } from '../common/forward.ts';
import { encodeResponseHead, type RequestHead } from '../protocol/messages.ts';
import type { LocalAddr } from './local-addr.ts';
import type { RequestLogEntry } from './types.ts';

type OnLog = ((e: RequestLogEntry) => void) | undefined;

/** Keep-alive connection pools to the local apps, one per origin. */
export class LocalPools {
  private readonly pools = new Map<string, Pool>();

  get(target: LocalAddr): Pool {
    let p = this.pools.get(target.url);
    if (!p) {
      p = new Pool(target.url, { connections: null, pipelining: 1, keepAliveTimeout: 4_000, headersTimeout: 0, bodyTimeout: 0 });
      this.pools.set(target.url, p);
    }
    return p;
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy()));
    this.pools.clear();
  }
}

export function serveStream(stream: MuxStream, head: RequestHead, target: LocalAddr, pools: LocalPools, onLog: OnLog): void {
  if (head.upgrade) return serveUpgrade(stream, head, target, onLog);
  const startedAt = Date.now();
  let answered = false;
  let done = false;
  let abort: ((err: Error) => void) | null = null;
  let resume: (() => void) | null = null;
  let resHeaders: string[] = [];
  let resStatus = 0;

  const handler: Dispatcher.DispatchHandler = {
    onConnect(abortRequest) {
      abort = abortRequest;
    },
    onHeaders(status, raw, resumeFn) {
      if (status < 200) return true; // 100 Continue and friends: the edge already answered those
      answered = true;
      resume = resumeFn;
      resStatus = status;
      resHeaders = rawStrings(raw as Buffer[]);
      stream.sendHeaders(encodeResponseHead({ status, headers: resHeaders }));
      return true;
    },
    onData(chunk) {
      // false pauses the socket until the tunnel stream drains.
      return stream.write(chunk);
    },
    onComplete() {
      done = true;
      stream.end();
      if (onLog) onLog(logEntry(head, startedAt, resStatus, resHeaders));
    },
    onError(err: Error & { code?: string }) {
      done = true;
      if (answered) return stream.reset();
      answered = true;
      notAnswering(stream, err, head, startedAt, onLog);
    },
  };
  stream.on('drain', () => resume?.());
  // The visitor left (the edge reset the stream): stop the local request too.
  const stop = () => {
    if (!done) abort?.(new Error('the visitor went away'));
  };
  stream.on('error', stop);
  stream.on('close', stop);
  const hasBody = !(stream.finReceived && stream.readableLength === 0);
  try {
    pools.get(target).dispatch({ path: head.url, method: head.method, headers: head.headers, body: hasBody ? bodyOf(stream) : null }, handler);
  } catch (err) {
    // Headers undici refuses (malformed by the visitor) end here as a 502, not a crash.
    handler.onError!(err as Error);
  }
}

/**
 * The request body as its own Readable: undici destroys a body stream when it is done with it,
 * and destroying the tunnel stream itself would reset it before the response is sent.
 */
function bodyOf(stream: MuxStream): Readable {
  const body = new Readable({ read: () => void stream.resume() });
  stream.on('data', (c: Buffer) => {
    if (!body.push(c)) stream.pause();
  });
  stream.once('end', () => body.push(null));
  return body;
}

/** A WebSocket (or other) upgrade: node:http gives us the raw socket to splice with the stream. */
function serveUpgrade(stream: MuxStream, head: RequestHead, target: LocalAddr, onLog: OnLog): void {
  const startedAt = Date.now();
  const req = http.request({ host: target.host, port: target.port, method: head.method, path: head.url, headers: head.headers, agent: false, setHost: false });
  let answered = false;
  req.on('response', (res) => {
    answered = true;
    const headers = res.rawHeaders;
    stream.sendHeaders(encodeResponseHead({ status: res.statusCode ?? 502, headers }));
    forward(res, stream);
    res.once('end', () => onLog?.(logEntry(head, startedAt, res.statusCode ?? 0, headers)));
    res.on('error', () => stream.reset());
  });
  req.on('upgrade', (res, socket, upHead) => {
    answered = true;
    const headers = res.rawHeaders;
    stream.sendHeaders(encodeResponseHead({ status: res.statusCode ?? 101, headers }));
    if (onLog) onLog(logEntry(head, startedAt, res.statusCode ?? 101, headers));
    if (upHead.length) stream.write(upHead);
    forward(socket, stream);
    forward(stream, socket);
    socket.on('error', () => stream.reset());
    socket.on('close', () => stream.end());
    stream.on('error', () => socket.destroy());
  });
  req.on('error', (err: NodeJS.ErrnoException) => {
    if (answered) return stream.reset();
    answered = true;
    notAnswering(stream, err, head, startedAt, onLog);
  });
  stream.on('error', () => req.destroy());
  req.end();
}

/** The local app could not be reached: the edge shows its 502 page, naming the cause. */
function notAnswering(stream: MuxStream, err: Error & { code?: string }, head: RequestHead, startedAt: number, onLog: OnLog): void {
  stream.sendHeaders(encodeResponseHead({ status: 502, headers: [], error: err.code ?? err.message }));
  stream.resume();
  stream.end();
  if (onLog) onLog(logEntry(head, startedAt, 502, []));
}

/** undici's raw header list (Buffers) as strings, names and values alternating. */
function rawStrings(raw: Buffer[]): string[] {
  const out = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw[i]!.toString('latin1');
  return out;
}

function logEntry(head: RequestHead, startedAt: number, status: number, resHeaders: string[]): RequestLogEntry {
  return {
    id: randomUUID(),
    tunnel: head.tunnel,
    startedAt,
    durationMs: Date.now() - startedAt,
    method: head.method,
    path: head.url,
    status,
    user: headerValue(head.headers, 'x-forwarded-email'),
    requestHeaders: maskedPairs(head.headers),
    responseHeaders: maskedPairs(resHeaders),
  };
}

function headerValue(flat: string[], name: string): string | undefined {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() === name) return flat[i + 1];
  return undefined;
}

function maskedPairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, maskHeader(flat[i]!, flat[i + 1]!)]);
  return out;
}

/** The inspector shows headers, but never credentials. */
export function maskHeader(name: string, value: string): string {
  const n = name.toLowerCase();
  if (n === 'authorization' || n === 'proxy-authorization') return value.replace(/^(\S+\s+).*$/, '$1••••');
  if (n === 'cookie') return value.replace(/(__gatehouse[^=]*)=[^;]*/gi, '$1=••••');
  if (n === 'set-cookie' && /^__gatehouse/i.test(value)) return value.replace(/=[^;]*/, '=••••');
  return value;
}
