// Forwarding one visitor request (or WebSocket upgrade) through a tunnel: run the tunnel's
// policy, open a stream to a live agent connection, stream the body both ways with backpressure
// (forward() + the stream's credit window), and turn every failure into a clear page, never a hang.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Tunnel, TunnelRegistry } from './registry.ts';
import { EdgeRequestContext, clientIpOf } from './context.ts';
import { addForwarded, flatToMap, mapToFlat, requestHeaders, responseHeaders } from './headers.ts';
import { htmlPage, pageHeaders } from '../common/html.ts';
import { isReservedTarget } from '../oidc/paths.ts';
import { forward } from '../common/forward.ts';
import { decodeResponseHead, encodeRequestHead, type RequestHead, type ResponseHead } from '../protocol/messages.ts';
import { ErrorCode } from '../protocol/frame.ts';
import type { MuxStream } from '../protocol/stream.ts';
import type { MuxSession } from '../protocol/session.ts';
import type { HeaderMap, Reply, ResponseContext } from '../policy/types.ts';
import type { Logger } from '../common/log.ts';

export interface ProxyEnv {
  registry: TunnelRegistry;
  log: Logger;
  /** One log line per finished request (path without query, status, time, request id). */
  accessLog: boolean;
  /** The scheme visitors use (`https` behind TLS). */
  scheme: 'http' | 'https';
  stats: { requests: number; inFlight: number };
}

export async function proxyRequest(env: ProxyEnv, t: Tunnel, req: IncomingMessage, res: ServerResponse): Promise<void> {
  env.stats.requests++;
  // In flight from the start (a policy may wait on the IdP): the edge's graceful close and the
  // tunnel's stream limit both count it.
  env.stats.inFlight++;
  t.inFlight++;
  let stream: MuxStream | null = null;
  res.once('close', () => {
    env.stats.inFlight--;
    t.inFlight--;
    // The visitor left before the answer was complete: stop the agent's work too.
    if (!res.writableFinished) stream?.reset();
  });
  const clientIp = clientIpOf(req);
  const rid = randomUUID();
  if (env.accessLog) logAccess(env.log, t, req, res, rid, clientIp);
  let ready = prepare(env, t, req, clientIp, rid, false, (r) => writeReply(res, r));
  if (ready instanceof Promise) ready = await ready;
  if (!ready) return;
  const { session: first, head } = ready;
  // What the response phase needs: the whole context only when the policy has response rules,
  // else just the headers the request phase added (a rolled session cookie), so the rest of
  // the context is garbage before the app answers.
  let ctx = ready.ctx;
  let addToResponse: string[] = ready.setCookie ? ['set-cookie', ready.setCookie] : [];
  if (ctx && !t.policy?.hasResponseRules) {
    addToResponse = mapToFlat(ctx.responseHeaders);
    ctx = null;
  }
  const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
  req.on('error', () => stream?.reset());

  const send = (session: MuxSession, retried: boolean): void => {
    let s: MuxStream;
    try {
      s = session.openStream(head, !hasBody);
    } catch {
      return writeReply(res, offlinePage(t));
    }
    stream = s;
    if (hasBody) forward(req, s);
    s.once('headers', (raw) => {
      const h = decodedHead(env, t, s, raw);
      if (!h) return sendPage(res, 502, 'Tunnel error', 'The tunnel\'s agent sent a response this edge cannot read.');
      if (h.error) {
        s.resume();
        return sendPage(res, 502, 'App not answering', `The app at ${t.addr} is not answering (${h.error}). Start it, or check the address the tunnel points to.`);
      }
      let flat = responseHeaders(h.headers);
      let status = h.status;
      if (ctx) {
        const rc: ResponseContext = { status, headers: flatToMap(h.headers) };
        Object.assign(rc.headers, mergeSetCookie(rc.headers, ctx.responseHeaders));
        t.policy!.onResponse(ctx, rc);
        status = rc.status;
        flat = responseHeaders(mapToFlat(rc.headers));
      } else {
        for (const v of addToResponse) flat.push(v);
      }
      res.writeHead(status, flat);
      forward(s, res);
    });
    s.on('error', (err) => {
      // The agent connection died before the app answered: a bodiless request is sent again
      // on another connection of the same agent, so losing one connection loses no request.
      const other = !res.headersSent && !hasBody && !retried && session.isClosed ? env.registry.pick(t, session) : null;
      if (other && !res.destroyed) {
        env.log.info('agent connection lost; request sent again on another', { tunnel: t.name, rid });
        return send(other, true);
      }
      env.log.warn('tunnel stream failed', { tunnel: t.name, rid, err });
      if (!res.headersSent) sendPage(res, 502, 'Tunnel error', `The request could not reach the app at ${t.addr}: ${err.message}.`);
      else res.destroy(err);
    });
    s.on('end', () => {
      if (!res.headersSent) sendPage(res, 502, 'App not answering', `The app at ${t.addr} closed the request without answering.`);
    });
  };
  send(first, false);
}

export async function proxyUpgrade(env: ProxyEnv, t: Tunnel, req: IncomingMessage, socket: Duplex, early: Buffer): Promise<void> {
  env.stats.requests++;
  let ready = prepare(env, t, req, clientIpOf(req), randomUUID(), true, (r) => writeRawReply(socket, r));
  if (ready instanceof Promise) ready = await ready;
  if (!ready) return;
  const { session, head } = ready;
  let stream: MuxStream;
  try {
    stream = session.openStream(head, false);
  } catch {
    return writeRawReply(socket, offlinePage(t));
  }
  if (early.length) stream.write(early);
  stream.once('headers', (raw) => {
    const h = decodedHead(env, t, stream, raw);
    if (!h) return writeRawReply(socket, { status: 502, body: 'The tunnel\'s agent sent a response this edge cannot read.' });
    if (h.error) {
      stream.reset();
      return writeRawReply(socket, { status: 502, body: `The app at ${t.addr} is not answering (${h.error}).` });
    }
    socket.write(rawHead(h.status, responseHeaders(h.headers, h.status === 101)));
    forward(socket, stream);
    forward(stream, socket);
  });
  const abort = () => stream.reset();
  socket.on('error', abort);
  socket.on('close', abort);
  stream.on('error', () => socket.destroy());
}

interface Prepared {
  session: MuxSession;
  head: Buffer;
  /** The policy's request context, when the tunnel has a policy and it needed one. */
  ctx: EdgeRequestContext | null;
  /** A rolled session cookie from the signed-in shortcut, for the response. */
  setCookie: string | null;
}

/**
 * What every visitor request (plain or upgrade) goes through before a stream opens: header
 * hygiene, the tunnel's policy, the reserved-path guard, a live agent connection, X-Forwarded-*
 * and the encoded head. Null when the request was answered here, through `answer`. Synchronous
 * unless the policy has to wait (an IdP call), so a signed-in request takes no promise hop.
 */
function prepare(
  env: ProxyEnv,
  t: Tunnel,
  req: IncomingMessage,
  clientIp: string,
  rid: string,
  upgrade: boolean,
  answer: (r: Reply) => void,
): Prepared | null | Promise<Prepared | null> {
  const headers = requestHeaders(req.rawHeaders, req.headers.connection, upgrade);
  // Gatehouse's own paths (`/.gatehouse/…`, in any spelling) never reach the app, whatever the
  // policy does; a policy's sign-in action answers some of them.
  const reserved = isReservedTarget(req.url ?? '/');
  if (!t.policy) return toAgent(null, headers, null);
  const signedIn = reserved ? null : t.policy.admitSignedIn?.(headers);
  if (signedIn) return toAgent(null, headers, signedIn.setCookie);
  const ctx = new EdgeRequestContext(req, t, flatToMap(headers), clientIp, upgrade);
  const failed = (err: unknown): null => {
    env.log.error('traffic policy failed', { tunnel: t.name, rid, err: err as Error });
    answer(pageReply(500, 'Gatehouse error', 'The tunnel\'s traffic policy failed on this request; the edge log has the details.'));
    return null;
  };
  const decided = (): Prepared | null => {
    if (!ctx.replyValue) return toAgent(ctx, mapToFlat(ctx.headers), null);
    answer(ctx.replyValue);
    return null;
  };
  try {
    const pending = t.policy.onRequest(ctx);
    return pending ? pending.then(decided, failed) : decided();
  } catch (err) {
    return failed(err);
  }

  function toAgent(ctx: EdgeRequestContext | null, headers: string[], setCookie: string | null): Prepared | null {
    const refuse = (r: Reply): null => {
      answer(r);
      return null;
    };
    if (reserved) return refuse(pageReply(404, 'Not found', 'There is nothing at this address.'));
    const session = env.registry.pick(t);
    if (!session) return refuse(offlinePage(t));
    addForwarded(headers, clientIp, req.headers.host ?? t.hostname, env.scheme, rid);
    const head = encodedHead(env, t, { method: req.method ?? 'GET', url: req.url ?? '/', headers, tunnel: t.name, ...(upgrade ? { upgrade } : {}) });
    if (!head) return refuse(pageReply(500, 'Gatehouse error', 'A header of this request cannot be forwarded (it contains a NUL character).'));
    return { session, head, ctx, setCookie };
  }
}

/** The request head for the wire; null (logged) when a policy put a NUL into a header. */
function encodedHead(env: ProxyEnv, t: Tunnel, head: RequestHead): Buffer | null {
  try {
    return encodeRequestHead(head);
  } catch (err) {
    env.log.warn('request not forwarded', { tunnel: t.name, err: err as Error });
    return null;
  }
}

/** The agent's response head; null (stream reset, logged) when it is not one. */
function decodedHead(env: ProxyEnv, t: Tunnel, s: MuxStream, raw: Buffer): ResponseHead | null {
  try {
    return decodeResponseHead(raw);
  } catch (err) {
    env.log.warn('agent sent a malformed response head', { tunnel: t.name, err: err as Error });
    s.reset(ErrorCode.PROTOCOL);
    return null;
  }
}

function logAccess(log: Logger, t: Tunnel, req: IncomingMessage, res: ServerResponse, rid: string, ip: string): void {
  const started = performance.now();
  res.on('close', () => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    log.info('request', {
      rid,
      tunnel: t.name,
      ip,
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
      done: res.writableFinished,
    });
  });
}

function rawHead(status: number, flat: string[]): string {
  let s = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < flat.length; i += 2) s += `${flat[i]}: ${flat[i + 1]}\r\n`;
  return s + '\r\n';
}

/** A reply written straight to a socket (an upgrade the edge refuses), then the connection closes. */
export function writeRawReply(socket: Duplex, r: Reply): void {
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const flat = responseHeaders(mapToFlat({ ...r.headers, 'content-length': String(body.length) }));
  flat.push('Connection', 'close');
  socket.end(Buffer.concat([Buffer.from(rawHead(r.status, flat)), body]));
}

function writeReply(res: ServerResponse, r: Reply): void {
  const body = r.body === undefined ? '' : r.body;
  const headers: HeaderMap = { ...r.headers };
  if (headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(r.status, responseHeaders(mapToFlat(headers)));
  res.end(body);
}

export function sendPage(res: ServerResponse, status: number, title: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  writeReply(res, pageReply(status, title, message));
}

/** One of the edge's pages as a Reply, for either way of answering (a response or a raw socket). */
function pageReply(status: number, title: string, message: string): Reply {
  const body = htmlPage(title, message);
  return { status, headers: pageHeaders(body), body };
}

function offlinePage(t: Tunnel): Reply {
  return pageReply(502, 'Tunnel offline', `The Gatehouse agent for ${t.hostname} is not connected right now. It reconnects on its own; try again in a few seconds.`);
}

/** Set-Cookie from the policy (e.g. a rolled session) goes out next to the app's own. */
function mergeSetCookie(app: HeaderMap, extra: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) continue;
    if (k === 'set-cookie') {
      const mine = ([] as string[]).concat(app['set-cookie'] ?? [], v);
      out[k] = mine;
    } else out[k] = v;
  }
  return out;
}
