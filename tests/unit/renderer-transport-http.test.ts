// The headless transport (renderer/transport-http.ts) against a loopback server speaking the wire
// format of the contract: POST /api/call/<method> {"args":[...]} → {"ok":true,"value"} or
// {"ok":false,"error"}; events on /api/events. Calls run under Node's fetch; the event stream
// runs in Chromium, whose EventSource is the one the product uses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { createHttpApi } from '../../renderer/transport-http.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  origin: string | undefined;
  body: unknown;
}
const seen: Seen[] = [];
const streams = new Set<ServerResponse>();
let answer: (method: string, args: unknown[]) => { status: number; body: unknown } = (method, args) => ({
  status: 200,
  body: { ok: true, value: { method, args } },
});

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

const bundle = await esbuild.build({
  stdin: {
    contents:
      "import { createHttpApi } from './renderer/transport-http.ts';" +
      'const w = window; w.reconnects = 0; w.events = [];' +
      'w.api = createHttpApi({ onReconnect: () => { w.reconnects++; } });',
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  write: false,
  format: 'iife',
});
const script = bundle.outputFiles[0]?.text ?? '';

const server = createServer((req, res) => {
  void (async () => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script src="/t.js"></script>');
    } else if (req.method === 'GET' && url === '/t.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    } else if (req.method === 'GET' && url === '/api/events') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write('retry: 50\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
    } else if (req.method === 'POST' && url.startsWith('/api/call/')) {
      const text = await readBody(req);
      const body = JSON.parse(text) as { args: unknown[] };
      const method = url.slice('/api/call/'.length);
      seen.push({ method, url, contentType: req.headers['content-type'], origin: req.headers.origin, body });
      const reply = answer(method, body.args);
      res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.body));
    } else {
      res.writeHead(404).end();
    }
  })();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => {
  for (const s of streams) s.destroy();
  server.close();
});

test('a call is a JSON POST to /api/call/<method> with the arguments as an array', async () => {
  seen.length = 0;
  const api = createHttpApi({ origin });
  const value = await api.addTunnel({ addr: '3000', sso: true });
  assert.deepEqual(value, { method: 'addTunnel', args: [{ addr: '3000', sso: true }] });
  assert.equal(seen[0]?.url, '/api/call/addTunnel');
  assert.equal(seen[0]?.contentType, 'application/json');
  assert.deepEqual(seen[0]?.body, { args: [{ addr: '3000', sso: true }] });
  await api.listRequests();
  assert.deepEqual(seen[1]?.body, { args: [] });
});

test('a transport error becomes a failed Result for Result methods and a throw for the others', async () => {
  answer = () => ({ status: 403, body: { ok: false, error: 'Origin not allowed' } });
  try {
    const api = createHttpApi({ origin });
    assert.deepEqual(await api.startTunnel('t1'), { ok: false, error: 'Origin not allowed' });
    await assert.rejects(api.listTunnels(), /Origin not allowed/);
  } finally {
    answer = (method, args) => ({ status: 200, body: { ok: true, value: { method, args } } });
  }
});

test('a body that is not the envelope is an error, not a value', async () => {
  answer = () => ({ status: 200, body: [1, 2] });
  try {
    await assert.rejects(createHttpApi({ origin }).getInfo(), /unexpected body/);
  } finally {
    answer = (method, args) => ({ status: 200, body: { ok: true, value: { method, args } } });
  }
});

test('an unreachable service says so in words', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const api = createHttpApi({ origin: `http://127.0.0.1:${port}` });
  await assert.rejects(api.getSettings(), /not answering/);
  assert.deepEqual(await api.copyText('x'), { ok: false, error: 'Gatehouse is not answering. Is `gatehouse start` still running?' });
});

test('in Chromium: same-origin calls, events from /api/events, a refetch hook after a drop', async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    seen.length = 0;
    const value = await page.evaluate(() => (window as unknown as { api: { getInfo(): Promise<unknown> } }).api.getInfo());
    assert.deepEqual(value, { method: 'getInfo', args: [] });
    assert.equal(seen[0]?.origin, origin, 'the browser sends its Origin, which the service checks');

    await page.evaluate(() => {
      const w = window as unknown as { api: { onEvent(l: (e: unknown) => void): () => void }; events: unknown[]; off: () => void };
      w.off = w.api.onEvent((e) => w.events.push(e));
    });
    await waitFor(() => streams.size === 1);
    const event = { type: 'tunnel-removed', id: 't1' };
    for (const s of streams) s.write(`data: ${JSON.stringify(event)}\n\ndata: not json\n\n`);
    await page.waitForFunction(() => (window as unknown as { events: unknown[] }).events.length === 1);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { events: unknown[] }).events), [event]);

    for (const s of streams) s.destroy(); // the service went away for a moment
    await page.waitForFunction(() => (window as unknown as { reconnects: number }).reconnects === 1);

    await page.evaluate(() => (window as unknown as { off: () => void }).off());
    await waitFor(() => streams.size === 0);
  } finally {
    await browser.close();
  }
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
