// MuxStream's own contract, over a real WebSocket on loopback: a paused reader holds the writer
// to one credit window, delivery resumes in order with 'end' last, listeners added right after
// resume() miss nothing, and a peer's reset surfaces as 'error' then 'close'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { MuxSession } from '../../main/protocol/session.ts';
import { INITIAL_WINDOW } from '../../main/protocol/frame.ts';
import { StreamResetError, type MuxStream } from '../../main/protocol/stream.ts';
import { waitFor } from '../../main/common/wait.ts';

async function sessionPair(): Promise<{ client: MuxSession; server: MuxSession; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  await once(ws, 'open');
  const [peer] = await accepted;
  const opts = { heartbeatMs: 0 };
  const client = new MuxSession(ws, { ...opts, client: true });
  const server = new MuxSession(peer, { ...opts, client: false });
  return {
    client,
    server,
    async close() {
      client.close();
      server.close();
      await new Promise((r) => wss.close(r));
    },
  };
}

test('a paused reader holds the writer to one window; resume delivers everything in order, then end', async () => {
  const { client, server, close } = await sessionPair();
  try {
    const incoming = once(server, 'stream') as Promise<[MuxStream, Buffer]>;
    const out = client.openStream(Buffer.from('a head'));
    const [s, head] = await incoming;
    assert.equal(head.toString(), 'a head');

    const body = Buffer.alloc(4 * INITIAL_WINDOW);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    let refused = 0;
    let drained = 0;
    out.on('drain', () => drained++);
    for (let off = 0; off < body.length; off += 16 * 1024) if (!out.write(body.subarray(off, off + 16 * 1024))) refused++;
    out.end();
    assert.ok(refused > 0, 'write() returned false once the queue passed the window');

    // Nobody reads: exactly one window arrives, and no more.
    assert.ok(await waitFor(() => s.readableLength === INITIAL_WINDOW, 5000), `s.readableLength === INITIAL_WINDOW`);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.readableLength, INITIAL_WINDOW);
    assert.equal(drained, 0);

    const got: Buffer[] = [];
    s.resume();
    // Added after resume(), in the same tick: still sees every chunk and the end.
    s.on('data', (c) => got.push(c));
    await once(s, 'end');
    assert.ok(Buffer.concat(got).equals(body), 'all bytes, in order');
    assert.ok(drained >= 1, "the writer got 'drain' once credit came back");
  } finally {
    await close();
  }
});

test('pause() mid-flow buffers without credit; a reset by the peer is an error, then close', async () => {
  const { client, server, close } = await sessionPair();
  try {
    const incoming = once(server, 'stream') as Promise<[MuxStream]>;
    const out = client.openStream(Buffer.from('h'));
    const [s] = await incoming;
    let n = 0;
    s.on('data', () => {
      if (++n === 1) s.pause();
    });
    s.resume();
    out.write(Buffer.alloc(1000));
    assert.ok(await waitFor(() => n === 1, 5000), `n === 1`);
    out.write(Buffer.alloc(2000));
    assert.ok(await waitFor(() => s.readableLength === 2000, 5000), `s.readableLength === 2000`);
    assert.equal(n, 1, 'no data while paused');

    const events: string[] = [];
    s.on('error', (err) => events.push(err instanceof StreamResetError ? `reset ${err.code}` : err.message));
    s.on('close', () => events.push('close'));
    const closed = new Promise<void>((r) => s.once('close', () => r())); // events.once would reject on the 'error' first
    out.reset(7);
    await closed;
    assert.deepEqual(events, ['reset 7', 'close']);
    assert.equal(s.destroyed, true);
  } finally {
    await close();
  }
});
