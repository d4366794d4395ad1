// MuxStream's own contract, over a real WebSocket on loopback: a paused reader holds the writer
// to one credit window, delivery resumes in order with 'end' last, listeners added right after
// resume() miss nothing, a peer's reset surfaces as 'error' then 'close', and the window of a
// reader that keeps up grows only as far as the session's budget allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { MuxSession } from '../../main/protocol/session.ts';
import { INITIAL_WINDOW, MAX_STREAM_WINDOW } from '../../main/protocol/frame.ts';
import { StreamResetError, type MuxStream } from '../../main/protocol/stream.ts';
import { waitFor } from '../../main/common/wait.ts';

async function sessionPair(serverBudget?: number): Promise<{ client: MuxSession; server: MuxSession; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(wss, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket]>;
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
  await once(ws, 'open');
  const [peer] = await accepted;
  const opts = { heartbeatMs: 0 };
  const client = new MuxSession(ws, { ...opts, client: true });
  const server = new MuxSession(peer, { ...opts, client: false, ...(serverBudget === undefined ? {} : { windowBudget: serverBudget }) });
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

/**
 * A stream whose reader takes `flow` bytes as they come, then stops reading while the writer
 * goes on: what piles up unread is the receive window the stream had reached.
 */
async function windowAfterFlow(client: MuxSession, server: MuxSession, flow: number): Promise<{ unread: number; out: MuxStream; s: MuxStream }> {
  const incoming = once(server, 'stream') as Promise<[MuxStream]>;
  const out = client.openStream(Buffer.from('h'));
  const [s] = await incoming;
  let got = 0;
  s.on('data', (c) => (got += c.length));
  s.resume();
  for (let off = 0; off < flow; off += 64 * 1024) out.write(Buffer.alloc(64 * 1024));
  assert.ok(await waitFor(() => got === flow, 10_000), `got === flow (${got})`);
  s.pause();
  for (let i = 0; i < (2 * MAX_STREAM_WINDOW) / (64 * 1024); i++) out.write(Buffer.alloc(64 * 1024));
  let last = -1;
  let still = 0;
  // Settled: nothing more arrives once the window is used up (unchanged for 300 ms, so a busy
  // machine's pause is not taken for it).
  const settled = () => {
    const now = s.readableLength;
    still = now === last && now > 0 ? still + 1 : 0;
    last = now;
    return still >= 3;
  };
  assert.ok(await waitFor(settled, 10_000, 100), 'the unread bytes settle');
  return { unread: s.readableLength, out, s };
}

test('the window of a reader that keeps up grows, up to MAX_STREAM_WINDOW and no further', async () => {
  const { client, server, close } = await sessionPair();
  try {
    const { unread } = await windowAfterFlow(client, server, 8 * MAX_STREAM_WINDOW);
    // Credit goes back in quarter windows, so up to a quarter may be consumed and not yet credited.
    assert.ok(unread > INITIAL_WINDOW, `grown past the initial window (${unread} unread)`);
    assert.ok(unread >= (3 * MAX_STREAM_WINDOW) / 4 && unread <= MAX_STREAM_WINDOW, `about MAX_STREAM_WINDOW, never more (${unread} unread)`);
  } finally {
    await close();
  }
});

test("window growth comes from the session's budget, which a finished stream gives back", async () => {
  // Budget for one doubling: the first stream takes it, the second stays at the initial window.
  const { client, server, close } = await sessionPair(INITIAL_WINDOW);
  try {
    const first = await windowAfterFlow(client, server, 8 * MAX_STREAM_WINDOW);
    assert.ok(first.unread > INITIAL_WINDOW && first.unread <= 2 * INITIAL_WINDOW, `first stream grew by the budget only (${first.unread} unread)`);
    const second = await windowAfterFlow(client, server, 8 * MAX_STREAM_WINDOW);
    assert.ok(second.unread <= INITIAL_WINDOW, `nothing left to lend (${second.unread} unread)`);
    const closed = new Promise<void>((r) => first.s.once('close', () => r())); // events.once would reject on the reset's 'error'
    first.out.reset();
    await closed;
    const third = await windowAfterFlow(client, server, 8 * MAX_STREAM_WINDOW);
    assert.ok(third.unread > INITIAL_WINDOW, `the budget came back when the first stream ended (${third.unread} unread)`);
  } finally {
    await close();
  }
});
