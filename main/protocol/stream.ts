// One multiplexed stream: writes become DATA frames, sent only as far as the peer's credit
// window allows; received data goes to the consumer as it takes it, and credit goes back as it
// does. So a slow reader at either end stops its own sender and nobody else.
//
// Deliberately not a Node Duplex. Every request opens one stream at each end, and a Duplex's
// life (two state objects, about ten process.nextTick hops) cost more CPU than the framing
// itself. This is the subset the edge and agent use, with stream names and meanings:
//   out: write() → false when the queue is past the window, then 'drain'; end() sends FIN.
//   in:  'data' / 'end' while flowing; pause() / resume(); data waits (uncredited) while paused.
//   'error' when the peer reset it or the connection died; 'close' once it is over either way.
// forward() (common/forward.ts) pipes it to and from Node streams.
import { EventEmitter } from 'node:events';
import { ErrorCode, MAX_STREAM_WINDOW } from './frame.ts';
import type { MuxSession } from './session.ts';

/** Bytes a stream may queue beyond its send window before write() asks the writer to wait. */
const MIN_QUEUE = 64 * 1024;

export class StreamResetError extends Error {
  readonly code: number;
  constructor(code: number, message = `stream reset by peer (code ${code})`) {
    super(message);
    this.name = 'StreamResetError';
    this.code = code;
  }
}

export interface MuxStreamEvents {
  /** The response head, encoded (edge side). */
  headers: [head: Buffer];
  data: [chunk: Buffer];
  end: [];
  drain: [];
  error: [err: Error];
  close: [];
}

export class MuxStream extends EventEmitter<MuxStreamEvents> {
  readonly id: number;
  /** @internal session bookkeeping, read by MuxSession's scheduler. */
  sendWindow: number;
  pending: Buffer[] = [];
  pendingBytes = 0;
  finQueued = false;
  finSent = false;
  finReceived = false;
  queued = false;
  resetSent = false;
  destroyed = false;
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  private flowing = false;
  private endEmitted = false;
  private needDrain = false;
  private draining = false;
  private closed = false;
  private received = 0;
  private credited = 0;
  private readonly session: MuxSession;
  /** Receive window: starts at the session's, grows while the reader keeps up. */
  private window: number;
  /** Of which lent by the session's budget, given back when the stream is over. */
  private lent = 0;

  constructor(session: MuxSession, id: number, window: number) {
    super();
    this.session = session;
    this.id = id;
    this.window = window;
    this.sendWindow = window;
  }

  /** Received bytes the consumer has not taken yet. */
  get readableLength(): number {
    return this.inboxBytes;
  }

  /** Send a HEADERS frame (the encoded response head) ahead of any body bytes. */
  sendHeaders(head: Buffer): void {
    this.session.sendHeaders(this, head);
  }

  /** Queue body bytes; false means wait for 'drain'. Writes after end() or destroy are dropped. */
  write(chunk: Buffer): boolean {
    if (this.finQueued || this.destroyed) return false;
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      this.session.schedule(this);
    }
    // Keep the producer going while the queue fits the peer's window, so the socket and the
    // session work in parallel (and a response's end() queues its FIN before the frame goes
    // out, sharing it); past that, it waits (backpressure).
    if (this.pendingBytes <= Math.max(this.sendWindow, MIN_QUEUE)) return true;
    this.needDrain = true;
    return false;
  }

  /** FIN after whatever is queued. */
  end(): void {
    if (this.finQueued || this.destroyed) return;
    this.finQueued = true;
    this.session.schedule(this);
  }

  pause(): void {
    this.flowing = false;
  }

  /** Start (or restart) delivering 'data' and 'end'; what waited is delivered on the next tick. */
  resume(): void {
    if (this.flowing || this.destroyed) return;
    this.flowing = true;
    if (this.draining || (this.inboxBytes === 0 && !(this.finReceived && !this.endEmitted))) return;
    // Deferred like a Node stream's, so listeners added right after resume() see everything.
    this.draining = true;
    process.nextTick(() => {
      this.draining = false;
      this.deliver();
    });
  }

  /** Abort the stream: the peer gets RST with this code, local users get 'close'. */
  reset(code: number = ErrorCode.CANCEL): void {
    this.resetOnce(code);
    this.destroy();
  }

  /** Tear down: RST to the peer unless the stream already ended both ways, then 'error' (with err) and 'close'. */
  destroy(err?: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.flowing = false;
    this.resetOnce(err ? ErrorCode.INTERNAL : ErrorCode.CANCEL);
    this.session.forget(this);
    this.pending = [];
    this.pendingBytes = 0;
    this.inbox = [];
    this.inboxBytes = 0;
    // Deferred: destroy runs inside the session's loops and the consumer's own handlers.
    process.nextTick(() => {
      if (err && this.listenerCount('error') > 0) this.emit('error', err);
      this.emitClose();
    });
  }

  // --- called by the session ---

  /** @internal queued bytes went out: a writer told to wait may go on once the queue fits again */
  sent(): void {
    if (this.needDrain && this.pendingBytes <= Math.max(this.sendWindow, MIN_QUEUE)) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  /** @internal the FIN went out */
  finished(): void {
    this.finSent = true;
    this.closeIfDone();
  }

  /** @internal DATA arrived. Returns false when the peer overran its window. */
  receive(payload: Buffer, fin: boolean): boolean {
    if (payload.length > 0) {
      if (this.received + payload.length - this.credited > this.window) return false;
      this.received += payload.length;
      if (this.flowing && this.inboxBytes === 0 && !this.draining) this.emit('data', payload);
      else {
        this.inbox.push(payload);
        this.inboxBytes += payload.length;
      }
    }
    if (fin) this.receiveFin();
    else this.maybeCredit();
    return true;
  }

  /** @internal */
  receiveFin(): void {
    if (this.finReceived) return;
    this.finReceived = true;
    if (this.flowing && this.inboxBytes === 0 && !this.draining) this.emitEnd();
    this.closeIfDone();
  }

  /** @internal the peer reset the stream */
  receiveReset(code: number): void {
    this.resetSent = true; // nothing to send back
    this.destroy(code === ErrorCode.NORMAL ? undefined : new StreamResetError(code));
  }

  /** RST to the peer, once, unless the stream already ended both ways. */
  private resetOnce(code: number): void {
    if (this.resetSent || (this.finSent && this.finReceived)) return;
    this.resetSent = true;
    this.session.sendReset(this.id, code);
  }

  private deliver(): void {
    while (this.flowing && this.inbox.length > 0 && !this.destroyed) {
      const chunk = this.inbox.shift()!;
      this.inboxBytes -= chunk.length;
      this.emit('data', chunk);
    }
    if (this.flowing && this.inboxBytes === 0 && this.finReceived) this.emitEnd();
    else this.maybeCredit();
  }

  private emitEnd(): void {
    if (this.endEmitted) return;
    this.endEmitted = true;
    this.emit('end');
  }

  private closeIfDone(): void {
    if (!(this.finSent && this.finReceived) || this.destroyed) return;
    this.session.forget(this);
    this.emitClose();
  }

  private emitClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  /**
   * Return credit for what the consumer has taken, in batches of a quarter window. Cannot
   * deadlock: a peer that has used the whole window is owed at least a quarter once we drain.
   * When the consumer took everything as it came, the window (not the reader) limits the
   * stream, so the window doubles, up to MAX_STREAM_WINDOW, as far as the session lends. A
   * reader that falls behind keeps what it has: memory stays bounded by the initial windows
   * plus the session's budget.
   */
  private maybeCredit(): void {
    if (this.finReceived || this.destroyed) return;
    const owed = this.received - this.inboxBytes - this.credited;
    if (owed < this.window / 4) return;
    let grow = 0;
    if (this.inboxBytes === 0 && this.window < MAX_STREAM_WINDOW) {
      grow = this.session.lendWindow(Math.min(this.window, MAX_STREAM_WINDOW - this.window));
      this.window += grow;
      this.lent += grow;
    }
    this.credited += owed;
    this.session.sendWindowUpdate(this.id, owed + grow);
  }

  /** @internal the stream is over: what it borrowed goes back to the session, once. */
  takeLent(): number {
    const n = this.lent;
    this.lent = 0;
    return n;
  }
}
