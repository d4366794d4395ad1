import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrames, encodeHeader, Flag, FrameType, HEADER_SIZE, MAX_FRAME_PAYLOAD, ProtocolError, type Frame } from '../../main/protocol/frame.ts';

function collect(msg: Buffer): Frame[] {
  const frames: Frame[] = [];
  decodeFrames(msg, (f) => frames.push(f));
  return frames;
}

const frame = (type: number, flags: number, id: number, payload: Buffer) => Buffer.concat([encodeHeader(type, flags, id, payload.length), payload]);

test('several frames in one message decode in order with their payloads', () => {
  const msg = Buffer.concat([
    frame(FrameType.HEADERS, Flag.SYN, 2, Buffer.from('{"a":1}')),
    frame(FrameType.DATA, 0, 2, Buffer.from('hello')),
    encodeHeader(FrameType.WINDOW_UPDATE, 0, 2, 4096),
    frame(FrameType.DATA, Flag.FIN, 2, Buffer.alloc(0)),
  ]);
  const frames = collect(msg);
  assert.deepEqual(
    frames.map((f) => [f.type, f.flags, f.streamId, f.length, f.payload.toString()]),
    [
      [FrameType.HEADERS, Flag.SYN, 2, 7, '{"a":1}'],
      [FrameType.DATA, 0, 2, 5, 'hello'],
      [FrameType.WINDOW_UPDATE, 0, 2, 4096, ''],
      [FrameType.DATA, Flag.FIN, 2, 0, ''],
    ],
  );
});

test('a truncated header is a protocol error', () => {
  assert.throws(() => collect(encodeHeader(FrameType.DATA, 0, 1, 0).subarray(0, 7)), ProtocolError);
});

test('a payload shorter than its length is a protocol error', () => {
  const msg = Buffer.concat([encodeHeader(FrameType.DATA, 0, 1, 10), Buffer.from('abc')]);
  assert.throws(() => collect(msg), /truncated frame payload/);
});

test('an unknown frame type is a protocol error', () => {
  assert.throws(() => collect(encodeHeader(42, 0, 1, 0)), /unknown frame type 42/);
});

test('a DATA frame longer than the cap is refused before reading it', () => {
  const h = encodeHeader(FrameType.DATA, 0, 1, MAX_FRAME_PAYLOAD + 1);
  assert.throws(() => collect(Buffer.concat([h, Buffer.alloc(MAX_FRAME_PAYLOAD + 1)])), /exceeds/);
});

test('a wrong version is a protocol error', () => {
  const h = encodeHeader(FrameType.PING, 0, 0, 1);
  h[0] = 9;
  assert.throws(() => collect(h), /version 9/);
});

test('header layout is 12 bytes, big-endian', () => {
  const h = encodeHeader(FrameType.DATA, Flag.FIN | Flag.SYN, 0x01020304, 0x0a0b0c0d);
  assert.equal(h.length, HEADER_SIZE);
  assert.equal(h.toString('hex'), '0100' + '0005' + '01020304' + '0a0b0c0d');
});
