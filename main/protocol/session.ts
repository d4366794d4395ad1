// A multiplexing session over one WebSocket: many MuxStreams, fair round-robin scheduling of
// DATA frames capped at MAX_FRAME_PAYLOAD, per-stream credit windows, backpressure from the
// socket (bytes handed to ws but not yet written), heartbeats both ways, GOAWAY.
import { EventEmitter } from 'node:events';
import type { WebSocket, RawData } from 'ws';
import {
  decodeFrames,
  encodeHeader,
  ErrorCode,
  Flag,
  FrameType,
  HEADER_SIZE,
  INITIAL_WINDOW,
  MAX_FRAME_PAYLOAD,
  MAX_MESSAGE,
  ProtocolError,
  SESSION_WINDOW_BUDGET,
  type Frame,
} from './frame.ts';
import { MuxStream } from './stream.ts';
import { StreamTable } from './stream-table.ts';
import { decodeJson, encodeJson, type ControlMessage } from './messages.ts';
import { silentLogger, type Logger } from '../common/log.ts';
import { noteBufferBytes } from '../common/gc-pacer.ts';

export interface SessionOptions {
  /** The agent is the client (odd stream ids), the edge the server (even ids). */
  client: boolean;
  window?: number;
  heartbeatMs?: number;
  /** Declared dead when nothing at all arrived for heartbeatMs + toleranceMs. */
  toleranceMs?: number;
  maxStreams?: number;
  /** Window growth this session may lend its streams in all (SESSION_WINDOW_BUDGET). */
  windowBudget?: number;
  log?: Logger;
}

export interface SessionEvents {
  /** A stream the peer opened, with its head (encoded; messages.ts decodes it). */
  stream: [stream: MuxStream, head: Buffer];
  control: [msg: ControlMessage];
  goaway: [code: number];
  close: [reason: string];
}

/** Above this many bytes handed to the socket and not yet written, DATA scheduling pauses. */
const HIGH_WATER = 4 * 1024 * 1024;
const MAX_WINDOW = 2 ** 31 - 1;
const BIG_FRAME = 16 * 1024;
/**
 * Reused send buffers: room for one full DATA frame plus a batch of small ones. Enough of them
 * to cover HIGH_WATER in flight, so a steady transfer allocates none.
 */
const POOLED_SIZE = MAX_FRAME_PAYLOAD + 64 * 1024;
const MAX_POOLED = Math.ceil(HIGH_WATER / MAX_FRAME_PAYLOAD);
const sendBuffers: Buffer[] = [];

export class MuxSession extends EventEmitter<SessionEvents> {
  readonly log: Logger;
  /** Round-trip time of the last heartbeat, ms. */
  rttMs = 0;
  /** Body bytes carried in DATA frames, for metrics. */
  bytesIn = 0;
  bytesOut = 0;
  private readonly ws: WebSocket;
  private readonly streams = new StreamTable<MuxStream>();
  private readonly window: number;
  private readonly maxStreams: number;
  private windowBudget: number;
  private nextId: number;
  private lastPeerId = 0;
  private urgent: Buffer[] = [];
  private urgentBytes = 0;
  private ready: MuxStream[] = [];
  private flushScheduled = false;
  private inFlight = 0;
  private lastRx = Date.now();
  private heartbeatMs = 0;
  private pingSentAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private goingAway = false;

  constructor(ws: WebSocket, opts: SessionOptions) {
    super();
    this.ws = ws;
    this.window = opts.window ?? INITIAL_WINDOW;
    this.maxStreams = opts.maxStreams ?? 10_000;
    this.windowBudget = opts.windowBudget ?? SESSION_WINDOW_BUDGET;
    this.nextId = opts.client ? 1 : 2;
    this.log = opts.log ?? silentLogger;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.teardown(`connection closed (${code}${reason.length ? ' ' + reason.toString() : ''})`));
    ws.on('error', (err) => this.log.warn('tunnel connection error', { err: err.message }));
    const hb = opts.heartbeatMs ?? 10_000;
    const tolerance = opts.toleranceMs ?? 15_000;
    if (hb > 0) this.startHeartbeat(hb, tolerance);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** New visitor requests must not start here (peer or we are shutting down). */
  get isDraining(): boolean {
    return this.goingAway || this.closed;
  }

  /** Nothing heard for longer than a heartbeat interval: possibly dead, not yet declared so. */
  get isQuiet(): boolean {
    return this.heartbeatMs > 0 && Date.now() - this.lastRx > this.heartbeatMs * 1.5;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Open a stream and send its (encoded) head with SYN; `fin` when there is no body to follow (saves a frame). */
  openStream(head: Buffer, fin = false): MuxStream {
    if (this.isDraining) throw new Error('tunnel connection is closing');
    const id = this.nextId;
    this.nextId += 2;
    const stream = new MuxStream(this, id, this.window);
    this.streams.add(stream);
    this.queueUrgent(FrameType.HEADERS, fin ? Flag.SYN | Flag.FIN : Flag.SYN, id, head);
    if (fin) stream.finQueued = stream.finSent = true;
    return stream;
  }

  sendControl(msg: ControlMessage): void {
    this.queueUrgent(FrameType.CONTROL, 0, 0, encodeJson(msg));
  }

  /** Tell the peer to open no new streams; in-flight ones finish. */
  goAway(code: number = ErrorCode.NORMAL): void {
    if (this.goingAway || this.closed) return;
    this.goingAway = true;
    this.queueUrgent(FrameType.GOAWAY, 0, 0, undefined, code);
  }

  /** Close now: every open stream is reset. */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.flushNow();
    this.ws.close(code, reason);
    this.teardown(reason || 'closed');
  }

  /** Drop the connection without a closing handshake (dead peer). */
  terminate(reason: string): void {
    if (this.closed) return;
    this.ws.terminate();
    this.teardown(reason);
  }

  // --- used by MuxStream ---

  /** @internal */
  sendHeaders(stream: MuxStream, head: Buffer): void {
    this.queueUrgent(FrameType.HEADERS, 0, stream.id, head);
  }

  /** @internal */
  sendReset(id: number, code: number): void {
    this.queueUrgent(FrameType.WINDOW_UPDATE, Flag.RST, id, undefined, code);
  }

  /** @internal */
  sendWindowUpdate(id: number, delta: number): void {
    this.queueUrgent(FrameType.WINDOW_UPDATE, 0, id, undefined, delta);
  }

  /** @internal a stream has bytes or a FIN to send */
  schedule(stream: MuxStream): void {
    if (this.closed) {
      stream.destroy(new Error('tunnel connection closed'));
      return;
    }
    if (!stream.queued && (stream.sendWindow > 0 || (stream.pendingBytes === 0 && stream.finQueued))) {
      stream.queued = true;
      this.ready.push(stream);
    }
    this.scheduleFlush();
  }

  /** @internal */
  forget(stream: MuxStream): void {
    this.streams.delete(stream.id);
    this.windowBudget += stream.takeLent();
  }

  /** @internal up to `want` bytes of receive window, from what the budget has left */
  lendWindow(want: number): number {
    const n = Math.min(want, this.windowBudget);
    this.windowBudget -= n;
    return n;
  }

  // --- output ---

  private queueUrgent(type: number, flags: number, id: number, payload?: Buffer, value?: number): void {
    if (this.closed) return;
    const header = encodeHeader(type, flags, id, payload ? payload.length : (value ?? 0));
    this.urgent.push(header);
    this.urgentBytes += HEADER_SIZE;
    if (payload && payload.length) {
      this.urgent.push(payload);
      this.urgentBytes += payload.length;
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    // setImmediate: let every socket event of this loop turn queue its frames, then send one batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushNow();
    });
  }

  private flushNow(): void {
    if (this.closed) return;
    while (this.urgent.length || (this.ready.length && this.inFlight < HIGH_WATER)) {
      const parts = this.urgent;
      let size = this.urgentBytes;
      this.urgent = [];
      this.urgentBytes = 0;
      // Round robin: each ready stream sends at most one frame per pass, so a big body
      // cannot starve small responses.
      while (this.ready.length && size < MAX_MESSAGE - MAX_FRAME_PAYLOAD - HEADER_SIZE && this.inFlight + size < HIGH_WATER) {
        const s = this.ready.shift()!;
        s.queued = false;
        const n = this.frameFrom(s, parts);
        size += n;
        if (!s.queued && !s.destroyed && (s.pendingBytes > 0 || (s.finQueued && !s.finSent)) && s.sendWindow > 0) {
          s.queued = true;
          this.ready.push(s);
        }
        // A big frame ends its message: the receiver then keeps its payload as a slice of the
        // message instead of copying it out of a larger batch.
        if (n >= BIG_FRAME) break;
      }
      if (parts.length === 0) break;
      this.write(parts, size);
    }
  }

  /** Move up to one frame of a stream's pending data (and its FIN) into parts. */
  private frameFrom(s: MuxStream, parts: Buffer[]): number {
    if (s.destroyed) return 0;
    let n = Math.min(s.pendingBytes, s.sendWindow, MAX_FRAME_PAYLOAD);
    const chunks: Buffer[] = [];
    let len = 0;
    while (len < n) {
      const head = s.pending[0]!;
      const take = Math.min(head.length, n - len);
      if (take === head.length) {
        chunks.push(head);
        s.pending.shift();
      } else {
        chunks.push(head.subarray(0, take));
        s.pending[0] = head.subarray(take);
      }
      len += take;
    }
    n = len;
    this.bytesOut += n;
    s.pendingBytes -= n;
    s.sendWindow -= n;
    const fin = s.pendingBytes === 0 && s.finQueued && !s.finSent;
    if (n === 0 && !fin) return 0;
    parts.push(encodeHeader(FrameType.DATA, fin ? Flag.FIN : 0, s.id, n), ...chunks);
    s.sent();
    if (fin) s.finished();
    return HEADER_SIZE + n;
  }

  private write(parts: Buffer[], size: number): void {
    // Frames are gathered into one message; a bulk one goes into a reused buffer, returned once
    // the socket has taken it, so a transfer does not allocate (and collect) a buffer per frame.
    const pooled = parts.length > 1 && size >= BIG_FRAME && size <= POOLED_SIZE ? (sendBuffers.pop() ?? Buffer.allocUnsafeSlow(POOLED_SIZE)) : null;
    let msg: Buffer;
    if (pooled) {
      let off = 0;
      for (const p of parts) off += p.copy(pooled, off);
      msg = pooled.subarray(0, size);
    } else msg = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    this.inFlight += size;
    noteBufferBytes(size); // the body bytes came from socket reads (visitor's or app's)
    this.ws.send(msg, { binary: true }, () => {
      this.inFlight -= size;
      if (pooled && sendBuffers.length < MAX_POOLED) sendBuffers.push(pooled);
      if (this.ready.length && this.inFlight < HIGH_WATER / 2) this.scheduleFlush();
    });
  }

  // --- input ---

  private onMessage(data: RawData, isBinary: boolean): void {
    this.lastRx = Date.now();
    if (!isBinary || !Buffer.isBuffer(data)) return this.protocolError(new ProtocolError('text message on a tunnel connection'));
    noteBufferBytes(data.length); // read from the tunnel's socket
    try {
      decodeFrames(data, (frame) => this.onFrame(frame, data.length));
    } catch (err) {
      if (err instanceof ProtocolError) return this.protocolError(err);
      throw err;
    }
  }

  private onFrame(f: Frame, msgLength: number): void {
    switch (f.type) {
      case FrameType.DATA:
        return this.onData(f, msgLength);
      case FrameType.HEADERS:
        return this.onHeaders(f);
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(f);
      case FrameType.PING:
        if (f.flags & Flag.SYN) this.queueUrgent(FrameType.PING, Flag.ACK, 0, undefined, f.length);
        else if (f.flags & Flag.ACK && this.pingSentAt) this.rttMs = Date.now() - this.pingSentAt;
        return;
      case FrameType.GOAWAY:
        this.goingAway = true;
        this.emit('goaway', f.length);
        return;
      case FrameType.CONTROL: {
        let msg: ControlMessage;
        try {
          msg = decodeJson<ControlMessage>(f.payload);
        } catch {
          throw new ProtocolError('control message is not valid JSON');
        }
        this.emit('control', msg);
        return;
      }
    }
  }

  private onData(f: Frame, msgLength: number): void {
    this.bytesIn += f.payload.length;
    const s = this.streams.get(f.streamId);
    if (!s) {
      // Late frames after we reset a stream are normal; answer with RST so the peer stops.
      this.log.debug('data on unknown stream', { stream: f.streamId });
      if (f.streamId !== 0) this.sendReset(f.streamId, ErrorCode.PROTOCOL);
      return;
    }
    if (s.finReceived) {
      this.log.warn('data after end of stream', { stream: f.streamId });
      return s.reset(ErrorCode.PROTOCOL);
    }
    // A small slice would pin the whole batch in memory while a slow reader holds it.
    const payload = f.payload.length * 2 < msgLength ? Buffer.from(f.payload) : f.payload;
    if (!s.receive(payload, (f.flags & Flag.FIN) !== 0)) {
      this.log.warn('peer overran the stream window', { stream: f.streamId });
      s.reset(ErrorCode.FLOW_CONTROL);
    }
  }

  private onHeaders(f: Frame): void {
    // Heads go to the stream's user undecoded: their format is the edge's and agent's business.
    // A user keeps no reference once decoded, so the slice does not pin the message.
    if (f.flags & Flag.SYN) {
      const peerParity = this.nextId % 2 === 1 ? 0 : 1;
      if (f.streamId % 2 !== peerParity || f.streamId <= this.lastPeerId) {
        throw new ProtocolError(`invalid new stream id ${f.streamId}`);
      }
      this.lastPeerId = f.streamId;
      if (this.goingAway || this.streams.size >= this.maxStreams) {
        this.sendReset(f.streamId, ErrorCode.REFUSED);
        return;
      }
      const s = new MuxStream(this, f.streamId, this.window);
      this.streams.add(s);
      // FIN with the head (no body): known before anyone reads, so a GET needs no body plumbing.
      if (f.flags & Flag.FIN) s.receiveFin();
      this.emit('stream', s, f.payload);
      return;
    }
    const s = this.streams.get(f.streamId);
    if (!s) return this.sendReset(f.streamId, ErrorCode.PROTOCOL);
    s.emit('headers', f.payload);
  }

  private onWindowUpdate(f: Frame): void {
    const s = this.streams.get(f.streamId);
    if (!s) return;
    if (f.flags & Flag.RST) return s.receiveReset(f.length);
    if (s.sendWindow + f.length > MAX_WINDOW) {
      this.log.warn('window overflow', { stream: f.streamId });
      return s.reset(ErrorCode.FLOW_CONTROL);
    }
    s.sendWindow += f.length;
    if (s.pendingBytes > 0 || s.finQueued) this.schedule(s);
  }

  private protocolError(err: ProtocolError): void {
    this.log.warn('protocol error, closing tunnel connection', { err: err.message });
    this.queueUrgent(FrameType.GOAWAY, 0, 0, undefined, err.code);
    this.close(1002, `protocol error: ${err.message}`.slice(0, 120));
  }

  // --- lifecycle ---

  private startHeartbeat(intervalMs: number, toleranceMs: number): void {
    this.heartbeatMs = intervalMs;
    let seq = 0;
    const sendPing = () => {
      this.pingSentAt = Date.now();
      this.queueUrgent(FrameType.PING, Flag.SYN, 0, undefined, ++seq >>> 0);
    };
    sendPing(); // a first RTT right away, for the status screen
    const ping = setInterval(sendPing, intervalMs);
    const deadline = intervalMs + toleranceMs;
    const check = setInterval(() => {
      const silent = Date.now() - this.lastRx;
      if (silent > deadline) this.terminate(`no heartbeat for ${Math.round(silent / 1000)} s`);
    }, Math.min(1000, toleranceMs / 3));
    ping.unref();
    check.unref();
    this.timers.push(ping, check);
  }

  private teardown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    const err = new Error(`tunnel connection lost: ${reason}`);
    for (const s of this.streams.values()) {
      s.resetSent = true;
      s.destroy(err);
    }
    this.streams.clear();
    this.ready = [];
    this.urgent = [];
    this.emit('close', reason);
  }
}
