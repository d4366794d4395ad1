// The agent: keeps one or more WebSocket connections to an edge, binds tunnels on each, serves
// the streams the edge opens, and reconnects with jittered backoff, re-binding the same names.
// Every state change is an event with a reason, for the CLI's status screen and the app's UI.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { MuxSession } from '../protocol/session.ts';
import { ErrorCode, MAX_MESSAGE } from '../protocol/frame.ts';
import { decodeRequestHead, type ControlMessage, type RequestHead } from '../protocol/messages.ts';
import type { MuxStream } from '../protocol/stream.ts';
import { backoffDelay } from './backoff.ts';
import { parseLocalAddr, type LocalAddr } from './local-addr.ts';
import { LocalPools, serveStream } from './upstream.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import { VERSION } from '../common/version.ts';
import { waitFor } from '../common/wait.ts';
import { isLoopbackName } from '../common/loopback.ts';
import type { AgentStateEvent, RequestLogEntry, TunnelInfo, TunnelSpec } from './types.ts';

export interface AgentOptions {
  /** `ws://127.0.0.1:8080/.gatehouse/agent` or `wss://tunnels.example.com/.gatehouse/agent`. */
  edgeUrl: string;
  authtoken?: string;
  /** Extra CA (PEM) for an edge whose certificate a private CA signed. */
  ca?: string | Buffer;
  /** Dial this local socket (Unix socket or named pipe) instead of the URL's host:port: the embedded edge offers one. */
  socketPath?: string;
  /** Parallel connections to the edge; any may carry a request. */
  connections?: number;
  heartbeatMs?: number;
  toleranceMs?: number;
  log?: Logger;
}

/** Where and how an agent reaches its edge. */
export type EdgeTarget = Pick<AgentOptions, 'edgeUrl' | 'authtoken' | 'ca' | 'socketPath'>;

export interface AgentEvents {
  state: [AgentStateEvent];
  request: [RequestLogEntry];
  /** The edge greeted this agent, naming its public base URL (its OIDC callback lives there). */
  welcome: [{ baseUrl: string }];
  /** A tunnel could not be re-bound after a reconnect (e.g. its name was taken meanwhile). */
  'tunnel-error': [{ name: string; message: string }];
}

interface Bound {
  spec: TunnelSpec;
  local: LocalAddr;
  info: TunnelInfo;
}

export class AuthError extends Error {}

export class Agent extends EventEmitter<AgentEvents> {
  readonly id = randomUUID();
  private readonly opts: AgentOptions;
  private readonly log: Logger;
  private readonly pools = new LocalPools();
  private readonly conns: Connection[] = [];
  private readonly tunnelsByName = new Map<string, Bound>();
  private current: AgentStateEvent = { state: 'connecting' };
  /** The edge's public base URL, as its welcome said (e.g. `https://tunnels.example.com`). */
  edgeBaseUrl: string | undefined;
  private everOnline = false;
  private closed = false;

  constructor(opts: AgentOptions) {
    super();
    this.opts = opts;
    this.log = opts.log ?? silentLogger;
    const n = Math.max(1, opts.connections ?? 1);
    for (let i = 0; i < n; i++) this.conns.push(new Connection(this, i));
  }

  get state(): AgentStateEvent {
    return this.current;
  }

  /** Round-trip time to the edge, ms (best live connection). */
  get latencyMs(): number | undefined {
    const rtts = this.conns.filter((c) => c.session && !c.session.isClosed && c.session.rttMs > 0).map((c) => c.session!.rttMs);
    return rtts.length ? Math.min(...rtts) : undefined;
  }

  tunnels(): TunnelInfo[] {
    return [...this.tunnelsByName.values()].map((b) => b.info);
  }

  start(): void {
    for (const c of this.conns) c.connect();
  }

  /** Resolves once the first connection is online; rejects on a refused authtoken. */
  waitOnline(timeoutMs = 10_000): Promise<void> {
    if (this.current.state === 'online') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`could not reach the edge at ${this.opts.edgeUrl} within ${timeoutMs / 1000} s: ${this.current.reason ?? 'no answer'}`));
      }, timeoutMs);
      const onState = (e: AgentStateEvent) => {
        if (e.state === 'online') {
          clearTimeout(timer);
          this.off('state', onState);
          resolve();
        } else if (e.state === 'offline') {
          clearTimeout(timer);
          this.off('state', onState);
          reject(new Error(e.reason ?? 'agent offline'));
        }
      };
      this.on('state', onState);
    });
  }

  /** Bind a tunnel on every live connection; resolves with its public URL. */
  async bind(spec: TunnelSpec): Promise<TunnelInfo> {
    const local = parseLocalAddr(spec.addr);
    const live = this.conns.filter((c) => c.isOnline);
    if (!live.length) await this.waitOnline();
    const [first, ...rest] = this.conns.filter((c) => c.isOnline);
    if (!first) throw new Error('not connected to the edge');
    const bound = await first.bind(spec, local);
    const info: TunnelInfo = { name: bound.name, publicUrl: bound.publicUrl, addr: local.url, proto: 'http' };
    // Later connections ask for the same name, which the edge keeps for this agent.
    const fixed: TunnelSpec = { ...spec, name: bound.name };
    this.tunnelsByName.set(bound.name, { spec: fixed, local, info });
    await Promise.allSettled(rest.map((c) => c.bind(fixed, local)));
    return info;
  }

  async unbind(name: string): Promise<void> {
    if (!this.tunnelsByName.delete(name)) return;
    for (const c of this.conns) c.session?.sendControl({ t: 'unbind', name });
  }

  async close(graceMs = 5_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.conns.map((c) => c.close(graceMs)));
    await this.pools.close();
    this.setState({ state: 'offline', reason: 'stopped' });
  }

  // --- for Connection ---

  /** @internal */
  get options(): AgentOptions {
    return this.opts;
  }
  /** @internal */
  get logger(): Logger {
    return this.log;
  }
  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }
  /** @internal */
  boundTunnels(): Bound[] {
    return [...this.tunnelsByName.values()];
  }

  /** @internal */
  serve(stream: MuxStream, raw: Buffer): void {
    let head: RequestHead;
    try {
      head = decodeRequestHead(raw);
    } catch {
      this.logger.warn('stream head is malformed', { stream: stream.id });
      return stream.reset(ErrorCode.PROTOCOL);
    }
    const b = this.tunnelsByName.get(head.tunnel);
    if (!b) return stream.reset();
    serveStream(stream, head, b.local, this.pools, this.listenerCount('request') ? (e) => this.emit('request', e) : undefined);
  }

  /** @internal recompute the agent's state from its connections */
  update(reason?: string, retryAt?: number, fatal = false): void {
    if (this.closed) return;
    if (this.conns.some((c) => c.isOnline)) {
      this.everOnline = true;
      return this.setState({ state: 'online' });
    }
    if (fatal) return this.setState({ state: 'offline', reason, retryAt });
    this.setState({ state: this.everOnline ? 'reconnecting' : 'connecting', reason, retryAt });
  }

  private setState(e: AgentStateEvent): void {
    const c = this.current;
    if (c.state === e.state && c.reason === e.reason && c.retryAt === e.retryAt) return;
    this.current = e;
    if (e.state === 'online') this.log.info('tunnel session online', { edge: this.opts.edgeUrl });
    else this.log.warn(`tunnel session ${e.state}`, { reason: e.reason });
    this.emit('state', e);
  }
}

/** One WebSocket connection to the edge, with its own reconnect loop. */
class Connection {
  session: MuxSession | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private online = false;
  private nextBindId = 1;
  private readonly pending = new Map<number, { resolve(v: { name: string; publicUrl: string }): void; reject(e: Error): void }>();
  private readonly agent: Agent;
  private readonly index: number;

  constructor(agent: Agent, index: number) {
    this.agent = agent;
    this.index = index;
  }

  get isOnline(): boolean {
    return this.online && !!this.session && !this.session.isDraining;
  }

  connect(): void {
    if (this.agent.isClosed) return;
    const o = this.agent.options;
    const ws = new WebSocket(o.edgeUrl, {
      headers: o.authtoken ? { authorization: `Bearer ${o.authtoken}` } : {},
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE + 1024,
      handshakeTimeout: 10_000,
      ca: o.ca,
      ...(o.socketPath ? { createConnection: () => net.connect(o.socketPath!) } : {}),
      // Masking protects proxies from browser-chosen bytes on plain connections. Over TLS or
      // loopback no proxy can read the frames, so skip the per-byte copy and XOR.
      ...(o.socketPath || unmaskable(o.edgeUrl) ? { generateMask: zeroMask } : {}),
    });
    let failure: string | undefined;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d.slice(0, 200)));
      res.on('end', () => {
        ws.terminate();
        if (res.statusCode === 401 || res.statusCode === 403) {
          this.retry(`authtoken rejected by edge ${new URL(o.edgeUrl).host}: ${body.trim() || res.statusCode}`, true);
        } else this.retry(`edge answered ${res.statusCode} ${body.trim()}`.trim());
      });
    });
    ws.on('error', (err: NodeJS.ErrnoException) => {
      failure = describeError(err, o.edgeUrl);
    });
    ws.on('close', () => {
      if (!this.session) this.retry(failure ?? 'connection closed during handshake');
    });
    ws.on('open', () => this.onOpen(ws));
  }

  private onOpen(ws: WebSocket): void {
    const o = this.agent.options;
    const session = new MuxSession(ws, { client: true, heartbeatMs: o.heartbeatMs, toleranceMs: o.toleranceMs, log: this.agent.logger });
    this.session = session;
    session.on('stream', (s, head) => this.agent.serve(s, head));
    session.on('control', (m) => this.onControl(m));
    session.on('close', (reason) => {
      this.session = null;
      this.online = false;
      for (const p of this.pending.values()) p.reject(new Error(`connection to the edge lost: ${reason}`));
      this.pending.clear();
      this.retry(`connection to the edge lost: ${reason}`);
    });
    session.sendControl({ t: 'hello', agentId: this.agent.id, version: VERSION });
    this.attempt = 0;
    this.online = true;
    // Re-bind what this agent had, under the same names.
    for (const b of this.agent.boundTunnels()) {
      this.bind(b.spec, b.local).catch((err: Error) => this.agent.emit('tunnel-error', { name: b.info.name, message: err.message }));
    }
    this.agent.update();
  }

  private onControl(m: ControlMessage): void {
    if (m.t === 'bound' || m.t === 'bind-error') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.t === 'bound') p.resolve({ name: m.name, publicUrl: m.publicUrl });
      else p.reject(Object.assign(new Error(m.message), { code: m.code }));
    } else if (m.t === 'welcome') {
      if (typeof m.baseUrl !== 'string') return;
      this.agent.edgeBaseUrl = m.baseUrl;
      this.agent.emit('welcome', { baseUrl: m.baseUrl });
    }
  }

  bind(spec: TunnelSpec, local: LocalAddr): Promise<{ name: string; publicUrl: string }> {
    const session = this.session;
    if (!session) return Promise.reject(new Error('not connected to the edge'));
    const id = this.nextBindId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      session.sendControl({ t: 'bind', id, name: spec.name, addr: local.display, policy: spec.policy });
    });
  }

  private retry(reason: string, fatal = false): void {
    if (this.agent.isClosed || this.timer) return;
    this.online = false;
    // A refused token will not fix itself quickly: wait the longest delay, never spin.
    const wait = fatal ? 30_000 : backoffDelay(++this.attempt);
    const retryAt = Date.now() + wait;
    this.agent.update(reason, retryAt, fatal && this.index === 0);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, wait);
  }

  async close(graceMs: number): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const s = this.session;
    if (!s) return;
    s.goAway();
    await waitFor(() => s.streamCount === 0, graceMs);
    s.close(1000, 'agent stopped');
  }
}

const zeroMask = (mask: Buffer) => mask.fill(0);

function unmaskable(edgeUrl: string): boolean {
  const u = new URL(edgeUrl);
  return u.protocol === 'wss:' || isLoopbackName(u.hostname);
}

function describeError(err: NodeJS.ErrnoException, url: string): string {
  const where = new URL(url).host;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `edge unreachable: nothing is listening at ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `edge unreachable: cannot resolve ${new URL(url).hostname}`;
    case 'ETIMEDOUT':
      return `edge unreachable: ${where} did not answer in time`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the edge's TLS certificate is not trusted (${err.code}); pass its CA with --edge-ca`;
    default:
      return `edge unreachable: ${err.message}`;
  }
}
