// Volume through the tunnel: 256 MiB each way with bounded memory, 1,000 concurrent requests,
// and a visitor who stops reading must neither stall others nor make anything buffer the body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { startApp, startTunnel, request, type Tunnelled } from '../support/tunnel.ts';
import { runCli, type CliRun } from '../support/cli.ts';

const MiB = 1024 * 1024;
const BIG = 256 * MiB;
const block = randomBytes(MiB);

/** A 256 MiB body made of one random MiB repeated, produced as it is read. */
function bigBody(total = BIG): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(block.length, total - sent);
      sent += n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}
const expectedHash = (() => {
  const h = createHash('sha256');
  for (let i = 0; i < BIG / MiB; i++) h.update(block);
  return h.digest('hex');
})();

let app: Awaited<ReturnType<typeof startApp>>;
let cli: CliRun;
let host: string;
let edgePort: number;
let held: http.ServerResponse[] = [];
let appWritten = 0;

before(async () => {
  app = await startApp((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/download') {
      const body = bigBody(Number(url.searchParams.get('bytes') ?? BIG));
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      body.on('data', (c: Buffer) => (appWritten += c.length));
      body.pipe(res);
      res.on('close', () => body.destroy());
      return;
    }
    if (url.pathname === '/upload') {
      const h = createHash('sha256');
      let n = 0;
      req.on('data', (c: Buffer) => {
        n += c.length;
        h.update(c);
      });
      req.on('end', () => res.end(JSON.stringify({ bytes: n, sha256: h.digest('hex') })));
      return;
    }
    if (url.pathname === '/hold') {
      held.push(res);
      return;
    }
    res.end(`ok ${url.pathname}`);
  });
  cli = runCli(['http', String(app.port), '--url', 'load', '--edge-addr', '127.0.0.1:0', '--web-addr', 'false']);
  const m = await cli.waitFor(/Forwarding\s+http:\/\/(load\.localhost:(\d+))/);
  host = m[1]!;
  edgePort = Number(m[2]);
});

after(async () => {
  for (const r of held) r.destroy();
  assert.equal(await cli.stop(), 0);
  await app.close();
});

function download(path: string): Promise<{ bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: edgePort, path, headers: { host } }, (res) => {
        const h = createHash('sha256');
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
          h.update(c);
        });
        res.on('end', () => resolve({ bytes: n, sha256: h.digest('hex') }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

test('256 MiB download arrives intact and the tunnel process stays small', async () => {
  const before = cli.memory();
  const r = await download('/download');
  assert.equal(r.bytes, BIG);
  assert.equal(r.sha256, expectedHash);
  const mem = cli.memory();
  // Node's own baseline is ~60 MiB; buffering the body would add 256 MiB.
  assert.ok(mem.hwmKiB - before.rssKiB < 96 * 1024, `peak RSS grew by ${(mem.hwmKiB - before.rssKiB) >> 10} MiB`);
});

test('256 MiB upload arrives intact and the tunnel process stays small', async () => {
  const before = cli.memory();
  const result = await new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: edgePort, path: '/upload', method: 'POST', headers: { host } }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(JSON.parse(s)));
    });
    req.on('error', reject);
    bigBody().pipe(req);
  });
  assert.equal(result.bytes, BIG);
  assert.equal(result.sha256, expectedHash);
  const mem = cli.memory();
  assert.ok(mem.hwmKiB - before.rssKiB < 96 * 1024, `peak RSS grew by ${(mem.hwmKiB - before.rssKiB) >> 10} MiB`);
});

test('1,000 concurrent requests on one tunnel all get their own answer', async () => {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const edge = { port: edgePort } as Parameters<typeof request>[0];
  const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => request(edge, host, { path: `/r${i}`, agent })));
  results.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), `ok /r${i}`);
  });
  agent.destroy();
});

test('1,000 requests held open at once are all answered when released', async () => {
  held = [];
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const edge = { port: edgePort } as Parameters<typeof request>[0];
  const pending = Array.from({ length: 1000 }, () => request(edge, host, { path: '/hold', agent }));
  while (held.length < 1000) await new Promise((r) => setTimeout(r, 20));
  for (const [i, r] of held.entries()) r.end(`released ${i}`);
  const results = await Promise.all(pending);
  assert.equal(new Set(results.map((r) => r.body.toString())).size, 1000);
  held = [];
  agent.destroy();
});

test('a visitor who stops reading stalls nobody else, and the app is held back instead of buffered', async () => {
  const t: Tunnelled = await startTunnel({ addr: String(app.port) });
  try {
    appWritten = 0;
    // A visitor starts a 256 MiB download and never reads it.
    const slow = await new Promise<http.IncomingMessage>((resolve) =>
      http.get({ host: '127.0.0.1', port: t.edge.port, path: '/download', headers: { host: t.host } }, (res) => {
        res.pause();
        resolve(res);
      }),
    );
    // Others are served meanwhile.
    for (let i = 0; i < 50; i++) {
      const r = await request(t.edge, t.host, { path: `/fast${i}` });
      assert.equal(r.body.toString(), `ok /fast${i}`);
    }
    const big = await download.call(null, '/x'); // also through the first tunnel: unaffected
    assert.equal(big.bytes, 'ok /x'.length);
    // Backpressure reached the app: only socket buffers and one credit window are in flight.
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(appWritten < 48 * MiB, `app wrote ${appWritten >> 20} MiB for a visitor that reads nothing`);
    slow.destroy();
  } finally {
    await t.close();
  }
});
