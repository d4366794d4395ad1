// WebSocket upgrades pass through the tunnel to the local app's WebSocket server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { startApp, startTunnel } from '../support/tunnel.ts';

test('WebSocket echo through the tunnel, text and binary, both directions', async () => {
  const app = await startApp((_q, s) => s.end('http too'));
  const wss = new WebSocketServer({ server: app.server });
  wss.on('connection', (ws, req) => {
    ws.send(`welcome ${req.url} via ${req.headers.host}`);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const t = await startTunnel({ addr: String(app.port) });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${t.edge.port}/chat?room=1`, { headers: { host: t.host } });
    const messages: (string | Buffer)[] = [];
    let notify: () => void = () => {};
    ws.on('message', (d: Buffer, isBinary) => {
      messages.push(isBinary ? d : d.toString());
      notify();
    });
    const next = async (n: number) => {
      while (messages.length < n) await new Promise<void>((r) => (notify = r));
    };
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    await next(1);
    assert.equal(messages[0], `welcome /chat?room=1 via ${t.host}`);
    ws.send('ping');
    const bin = Buffer.from([0, 1, 2, 255]);
    ws.send(bin);
    const large = Buffer.alloc(3 * 1024 * 1024, 7);
    ws.send(large);
    await next(4);
    assert.equal(messages[1], 'ping');
    assert.deepEqual(messages[2], bin);
    assert.equal((messages[3] as Buffer).length, large.length);
    const closed = new Promise<number>((r) => ws.once('close', (c) => r(c)));
    ws.close(1000);
    assert.equal(await closed, 1000);
  } finally {
    await t.close();
    wss.close();
    await app.close();
  }
});

test('an upgrade to an app that is down gets a 502', async () => {
  const t = await startTunnel({ addr: '1' });
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${t.edge.port}/`, { headers: { host: t.host } });
    const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!)));
    assert.equal(status, 502);
  } finally {
    await t.close();
  }
});
