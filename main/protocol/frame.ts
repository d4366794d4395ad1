// Binary framing shared by agent and edge, after yamux: a 12-byte header, then the payload.
//
//   0       1       2   3   4 ... 7      8 ... 11
//   version type    flags   stream id    length
//
// For WINDOW_UPDATE the length field is the window delta, for PING an opaque value and for
// GOAWAY / RST the error code; those frames carry no payload. Several frames may share one
// WebSocket message (the writer batches them), but a frame never spans two messages.

export const VERSION = 1;
export const HEADER_SIZE = 12;

export const FrameType = {
  DATA: 0,
  WINDOW_UPDATE: 1,
  PING: 2,
  GOAWAY: 3,
  /** Stream metadata: the request head (with SYN) or the response head. JSON payload. */
  HEADERS: 4,
  /** Session-level control messages on stream 0 (bind, bound, ...). JSON payload. */
  CONTROL: 5,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Flag = { SYN: 1, ACK: 2, FIN: 4, RST: 8 } as const;

/**
 * Largest payload of one frame: big enough that a bulk transfer costs few sends, messages and
 * writes per byte, small enough to interleave streams fairly (at 400 MB/s a full frame holds the
 * connection for 0.6 ms). Measured against 64 KiB frames: 13% less CPU per 256 MiB each way.
 * With our 12-byte header and ws's 10-byte one, a full frame is a 256 KiB message.
 */
export const MAX_FRAME_PAYLOAD = 256 * 1024 - 22;
/** Largest WebSocket message (a batch of frames); also the `maxPayload` given to ws. */
export const MAX_MESSAGE = 1024 * 1024;
/** A stream's receive window to begin with: what a reader that never reads may be sent. */
export const INITIAL_WINDOW = 256 * 1024;
/**
 * How far the window of a stream whose reader keeps up may grow. At INITIAL_WINDOW a bulk
 * stream gets only one full frame per credit round trip; four keep the pipe full.
 */
export const MAX_STREAM_WINDOW = 1024 * 1024;
/** Growth beyond INITIAL_WINDOW that one session may have lent out over all its streams. */
export const SESSION_WINDOW_BUDGET = 32 * 1024 * 1024;
/** Headers and control payloads are small; anything larger is an attack or a bug. */
export const MAX_META_PAYLOAD = 256 * 1024;

export const ErrorCode = {
  NORMAL: 0,
  PROTOCOL: 1,
  INTERNAL: 2,
  FLOW_CONTROL: 3,
  REFUSED: 4,
  CANCEL: 5,
  GOING_AWAY: 6,
} as const;

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  /** Payload length, or the window delta / ping value / error code for payload-less frames. */
  length: number;
  payload: Buffer;
}

/** Frame types are numbered from 0 without gaps. */
const MAX_TYPE = Math.max(...Object.values(FrameType));

export class ProtocolError extends Error {
  readonly code: number;
  constructor(message: string, code: number = ErrorCode.PROTOCOL) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

export function encodeHeader(type: number, flags: number, streamId: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_SIZE);
  h[0] = VERSION;
  h[1] = type;
  h.writeUInt16BE(flags, 2);
  h.writeUInt32BE(streamId, 4);
  h.writeUInt32BE(length, 8);
  return h;
}

/**
 * Splits one WebSocket message into frames, handing each to `onFrame` as it is read (a loop, not
 * a generator: this runs for every message, and iterator objects are garbage on the hot path).
 * Throws ProtocolError on anything malformed; frames before the bad one were already handled.
 */
export function decodeFrames(msg: Buffer, onFrame: (f: Frame) => void): void {
  let off = 0;
  while (off < msg.length) {
    if (msg.length - off < HEADER_SIZE) throw new ProtocolError(`truncated frame header (${msg.length - off} bytes)`);
    const version = msg[off]!;
    const type = msg[off + 1]!;
    if (version !== VERSION) throw new ProtocolError(`unsupported protocol version ${version}`);
    if (type > MAX_TYPE) throw new ProtocolError(`unknown frame type ${type}`);
    const flags = msg.readUInt16BE(off + 2);
    const streamId = msg.readUInt32BE(off + 4);
    const length = msg.readUInt32BE(off + 8);
    off += HEADER_SIZE;
    let payload: Buffer = EMPTY;
    if (type === FrameType.DATA || type === FrameType.HEADERS || type === FrameType.CONTROL) {
      const cap = type === FrameType.DATA ? MAX_FRAME_PAYLOAD : MAX_META_PAYLOAD;
      if (length > cap) throw new ProtocolError(`frame length ${length} exceeds ${cap}`);
      if (msg.length - off < length) throw new ProtocolError(`truncated frame payload (${msg.length - off} of ${length} bytes)`);
      payload = msg.subarray(off, off + length);
      off += length;
    }
    onFrame({ type, flags, streamId, length, payload });
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
