// Failures a user will meet: the app down, the edge restarting, a name already taken, a bad
// authtoken, a peer sending garbage. Each must end in a clear answer, never a hang or a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { startApp, startTestEdge, startTestAgent, startTunnel, request, TOKEN } from '../support/tunnel.ts';
import { Agent } from '../../main/agent/agent.ts';
import { decodeFrames, encodeHeader, ErrorCode, FrameType, Flag } from '../../main/protocol/frame.ts';
import type { AgentStateEvent } from '../../main/agent/types.ts';
import http from 'node:http';
import type net from 'node:net';
import { freePort } from '../support/net.ts';
import { waitFor } from '../../main/common/wait.ts';


test('local app down → 502 page naming the address, then recovery when it is back', async () => {
  const port = await freePort();
  const t = await startTunnel({ addr: `localhost:${port}` });
  try {
    const down = await request(t.edge, t.host);
    assert.equal(down.status, 502);
    assert.match(down.body.toString(), new RegExp(`The app at localhost:${port} is not answering`));
    const server = http.createServer((_q, s) => s.end('back'));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const up = await request(t.edge, t.host);
    assert.equal(up.status, 200);
    assert.equal(up.body.toString(), 'back');
    server.closeAllConnections();
    server.close();
  } finally {
    await t.close();
  }
});

test('edge restart → the agent reconnects and the same URL serves again', async () => {
  const app = await startApp((_q, s) => s.end('still here'));
  const port = await freePort();
  let edge = await startTestEdge({ port, heartbeatMs: 200, toleranceMs: 300 });
  const agent = new Agent({ edgeUrl: edge.agentUrl, authtoken: TOKEN, heartbeatMs: 200, toleranceMs: 300 });
  const states: AgentStateEvent[] = [];
  agent.on('state', (e) => states.push(e));
  agent.start();
  try {
    await agent.waitOnline();
    const tunnel = await agent.bind({ addr: String(app.port), name: 'phoenix' });
    const host = new URL(tunnel.publicUrl).host;
    assert.equal((await request(edge, host)).body.toString(), 'still here');
    await edge.close(0);
    // The agent notices and says why.
    while (!states.some((s) => s.state === 'reconnecting')) await new Promise((r) => setTimeout(r, 20));
    assert.ok(states.find((s) => s.state === 'reconnecting')!.reason);
    edge = await startTestEdge({ port });
    // Back online under the same name, without anyone calling bind again.
    for (let i = 0; i < 200; i++) {
      const r = await request(edge, host).catch(() => null);
      if (r?.status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await request(edge, host);
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), 'still here');
    assert.equal(agent.state.state, 'online');
    assert.deepEqual(agent.tunnels().map((t) => t.publicUrl), [tunnel.publicUrl]);
  } finally {
    await agent.close(0);
    await edge.close(0);
    await app.close();
  }
});

test('a name held by one agent cannot be taken by another', async () => {
  const t = await startTunnel({ addr: '3000', name: 'taken' });
  const other = await startTestAgent(t.edge);
  try {
    await assert.rejects(other.bind({ addr: '3001', name: 'taken' }), /"taken" is already in use by another agent/);
    // The first agent keeps it.
    const r = await request(t.edge, t.host);
    assert.equal(r.status, 502); // nothing on :3000, but the tunnel answers, not a 404
  } finally {
    await other.close(0);
    await t.close();
  }
});

test('a wrong authtoken is refused with a message the agent reports, and the agent does not spin', async () => {
  const edge = await startTestEdge();
  const agent = new Agent({ edgeUrl: edge.agentUrl, authtoken: 'wrong' });
  agent.start();
  try {
    await assert.rejects(agent.waitOnline(5000), /authtoken rejected by edge/);
    assert.equal(agent.state.state, 'offline');
    assert.ok(agent.state.retryAt! - Date.now() > 20_000, 'next attempt is not soon');
  } finally {
    await agent.close(0);
    await edge.close(0);
  }
});

test('an unreachable edge is reported with the address', async () => {
  const port = await freePort();
  const agent = new Agent({ edgeUrl: `ws://127.0.0.1:${port}/.gatehouse/agent`, authtoken: TOKEN });
  const seen: AgentStateEvent[] = [];
  agent.on('state', (e) => seen.push(e));
  agent.start();
  await assert.rejects(agent.waitOnline(1500), new RegExp(`nothing is listening at 127.0.0.1:${port}`));
  assert.equal(seen[0]!.state, 'connecting');
  await agent.close(0);
});

test('malformed frames close that agent connection with a protocol error; the edge keeps serving others', async () => {
  const t = await startTunnel({ addr: '3000', name: 'healthy' });
  try {
    const cases: Buffer[] = [
      encodeHeader(FrameType.DATA, 0, 1, 10).subarray(0, 5), // truncated header
      encodeHeader(99, 0, 1, 0), // unknown type
      encodeHeader(FrameType.DATA, 0, 1, 1 << 30), // oversized length
      Buffer.concat([encodeHeader(FrameType.CONTROL, 0, 0, 3), Buffer.from('{{{')]), // bad control JSON
    ];
    for (const bad of cases) {
      const ws = new WebSocket(t.edge.agentUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.send(bad);
      assert.equal(await closed, 1002);
    }
    // Text frames are refused too.
    const ws = new WebSocket(t.edge.agentUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('hello');
    assert.equal(await closed, 1002);
    assert.equal((await request(t.edge, t.host)).status, 502); // still routed
    assert.equal(t.agent.state.state, 'online');
  } finally {
    await t.close();
  }
});

test('data or a huge window update on an unknown stream, and an unreadable request head, reset that stream only', async () => {
  // A fake edge that speaks the protocol by hand to a real agent.
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as net.AddressInfo).port;
  const agent = new Agent({ edgeUrl: `ws://127.0.0.1:${port}/`, heartbeatMs: 0 });
  const resets = new Map<number, number>(); // stream id -> error code
  const conn = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  agent.start();
  const ws = await conn;
  ws.on('message', (d: Buffer) =>
    decodeFrames(d, (f) => {
      if (f.type === FrameType.WINDOW_UPDATE && f.flags & Flag.RST) resets.set(f.streamId, f.length);
    }),
  );
  // DATA for a stream nobody opened → RST (WINDOW_UPDATE with RST flag) for it.
  ws.send(Buffer.concat([encodeHeader(FrameType.DATA, 0, 8, 3), Buffer.from('abc')]));
  // A huge window update on an unknown stream is ignored; the connection stays up.
  ws.send(encodeHeader(FrameType.WINDOW_UPDATE, 0, 8, 0x7fffffff));
  // A new stream whose head is not one (JSON from some other protocol) → RST with PROTOCOL.
  const notAHead = Buffer.from('{"method":"GET","url":"/"}');
  ws.send(Buffer.concat([encodeHeader(FrameType.HEADERS, Flag.SYN | Flag.FIN, 2, notAHead.length), notAHead]));
  await waitFor(() => resets.has(8) && resets.has(2), 5000);
  assert.ok(resets.has(8), 'agent reset the unknown stream');
  assert.equal(resets.get(2), ErrorCode.PROTOCOL, 'agent reset the stream with the unreadable head');
  assert.equal(ws.readyState, WebSocket.OPEN);
  await agent.close(0);
  wss.close();
});

test('two agent connections: losing one while requests are in flight loses none of them', async () => {
  let hits = 0;
  const app = await startApp((req, res) => {
    hits++;
    setTimeout(() => res.end(`slow ${req.url}`), 300);
  });
  const edge = await startTestEdge();
  const agent = new Agent({ edgeUrl: edge.agentUrl, authtoken: TOKEN, connections: 2 });
  agent.start();
  try {
    await agent.waitOnline();
    // Both connections must be up, so requests spread over both.
    await waitFor(() => edge.stats().agents === 2, 2000);
    assert.equal(edge.stats().agents, 2);
    const tunnel = await agent.bind({ addr: String(app.port), name: 'twolegs' });
    const host = new URL(tunnel.publicUrl).host;
    const pending = [0, 1, 2, 3].map((i) => request(edge, host, { path: `/r${i}` }));
    // All four are at the app (and will take 300 ms) before the cut.
    assert.ok(await waitFor(() => hits === 4, 5000), `${hits} of 4 requests reached the app`);
    // Cut one of the agent's connections (round robin put two requests on each).
    const conns = (agent as unknown as { conns: { session: { terminate(reason: string): void } | null }[] }).conns;
    conns[0]!.session!.terminate('fault injected by the test');
    const results = await Promise.all(pending);
    assert.deepEqual(
      results.map((r) => [r.status, r.body.toString()]),
      [0, 1, 2, 3].map((i) => [200, `slow /r${i}`]),
    );
    assert.ok(hits >= 6, `the two requests on the lost connection were sent again (${hits} hits)`);
  } finally {
    await agent.close(0);
    await edge.close(0);
    await app.close();
  }
});

test('a per-tunnel limit on requests in flight answers 503 past it, and frees its slot when a request ends', async () => {
  let release: () => void = () => {};
  const held = new Promise<void>((r) => (release = r));
  const app = await startApp((req, res) => {
    if (req.url === '/hold') void held.then(() => res.end('held'));
    else res.end('ok');
  });
  const t = await startTunnel({ addr: `127.0.0.1:${app.port}` }, { maxStreamsPerTunnel: 1 });
  try {
    const first = request(t.edge, t.host, { path: '/hold' });
    first.catch(() => {}); // awaited below; a failed assert before that must not leave it unhandled
    assert.ok(await waitFor(() => t.edge.stats().openStreams === 1, 5000), `t.edge.stats().openStreams === 1`);
    const busy = await request(t.edge, t.host, { path: '/' });
    assert.equal(busy.status, 503);
    assert.match(busy.body.toString(), /Tunnel busy/);
    release();
    assert.equal((await first).status, 200);
    assert.equal((await request(t.edge, t.host, { path: '/' })).status, 200, 'the slot is free again');
  } finally {
    release();
    await t.close();
    await app.close();
  }
});
