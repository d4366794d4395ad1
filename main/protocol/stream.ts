// One multiplexed stream: a Node Duplex whose writes become DATA frames, sent only as far as
// the peer's credit window allows, and whose reads return credit as the consumer drains them.
// So a slow reader at either end stops its own sender and nobody else.
import { Duplex } from 'node:stream';
import { ErrorCode } from './frame.ts';
import type { MuxSession } from './session.ts';

/** Bytes a stream may queue beyond its send window before its writer waits. */
const MIN_QUEUE = 64 * 1024;

export class StreamResetError extends Error {
  readonly code: number;
  constructor(code: number, message = `stream reset by peer (code ${code})`) {
    super(message);
    this.name = 'StreamResetError';
    this.code = code;
  }
}

export class MuxStream extends Duplex {
  readonly id: number;
  /** Request head for streams the peer opened. */
  readonly head: unknown;
  /** @internal session bookkeeping, read by MuxSession's scheduler. */
  sendWindow: number;
  pending: Buffer[] = [];
  pendingBytes = 0;
  finQueued = false;
  finSent = false;
  finReceived = false;
  queued = false;
  resetSent = false;
  private writeCb: ((err?: Error | null) => void) | null = null;
  private finalCb: ((err?: Error | null) => void) | null = null;
  private received = 0;
  private credited = 0;
  private readonly session: MuxSession;
  private readonly window: number;

  constructor(session: MuxSession, id: number, window: number, head: unknown) {
    super({ allowHalfOpen: true, highWaterMark: 64 * 1024 });
    this.session = session;
    this.id = id;
    this.window = window;
    this.sendWindow = window;
    this.head = head;
  }

  /** Send a HEADERS frame (the response head) ahead of any body bytes. */
  sendHeaders(head: unknown): void {
    this.session.sendHeaders(this, head);
  }

  /** Abort the stream: the peer gets RST with this code, local users get an error. */
  reset(code: number = ErrorCode.CANCEL): void {
    if (!this.resetSent && !(this.finSent && this.finReceived)) {
      this.resetSent = true;
      this.session.sendReset(this.id, code);
    }
    this.destroy();
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    for (const { chunk } of chunks) {
      if (chunk.length === 0) continue;
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    this.afterQueue(cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    this.afterQueue(cb);
  }

  private afterQueue(cb: (err?: Error | null) => void): void {
    if (this.pendingBytes === 0) return cb();
    this.session.schedule(this);
    // Keep the producer going while the queue fits the peer's window, so the socket and the
    // session work in parallel (and a response's end() queues its FIN before the frame goes
    // out, sharing it); past that, its callback waits (backpressure).
    if (this.pendingBytes <= Math.max(this.sendWindow, MIN_QUEUE)) return cb();
    this.writeCb = cb;
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.finSent) {
      cb(); // the FIN rode on the SYN
      this.closeIfDone();
      return;
    }
    this.finQueued = true;
    this.finalCb = cb;
    this.session.schedule(this);
  }

  override _read(): void {
    this.maybeCredit();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // Closed without both FINs and without a reset on record: tell the peer to stop.
    if (!this.resetSent && !(this.finSent && this.finReceived)) {
      this.resetSent = true;
      this.session.sendReset(this.id, err ? ErrorCode.INTERNAL : ErrorCode.CANCEL);
    }
    this.session.forget(this);
    const pendingCb = this.writeCb ?? this.finalCb;
    this.writeCb = this.finalCb = null;
    this.pending = [];
    this.pendingBytes = 0;
    pendingCb?.(err ?? new Error('stream closed'));
    cb(err);
  }

  // --- called by the session ---

  /** @internal pending bytes went out: release a held writer once the queue fits again */
  sent(): void {
    const cb = this.writeCb;
    if (cb && this.pendingBytes <= Math.max(this.sendWindow, MIN_QUEUE)) {
      this.writeCb = null;
      cb();
    }
  }

  /** @internal the FIN went out */
  finished(): void {
    this.finSent = true;
    const cb = this.finalCb;
    this.finalCb = null;
    cb?.();
    this.closeIfDone();
  }

  /** @internal DATA arrived. Returns false when the peer overran its window. */
  receive(payload: Buffer, fin: boolean): boolean {
    if (payload.length > 0) {
      if (this.received + payload.length - this.credited > this.window) return false;
      this.received += payload.length;
      this.push(payload);
    }
    if (fin) this.receiveFin();
    else this.maybeCredit();
    return true;
  }

  /** @internal */
  receiveFin(): void {
    if (this.finReceived) return;
    this.finReceived = true;
    this.push(null);
    this.closeIfDone();
  }

  /** @internal the peer reset the stream */
  receiveReset(code: number): void {
    this.resetSent = true; // nothing to send back
    this.destroy(code === ErrorCode.NORMAL ? undefined : new StreamResetError(code));
  }

  private closeIfDone(): void {
    if (this.finSent && this.finReceived) this.session.forget(this);
  }

  /**
   * Return credit for what the consumer has taken, in batches of a quarter window. Cannot
   * deadlock: a peer that has used the whole window is owed at least a quarter once we drain.
   */
  private maybeCredit(): void {
    if (this.finReceived || this.destroyed) return;
    const owed = this.received - this.readableLength - this.credited;
    if (owed >= this.window / 4) {
      this.credited += owed;
      this.session.sendWindowUpdate(this.id, owed);
    }
  }
}
