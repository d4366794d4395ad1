// HTTP semantics through a real edge + agent + local app on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { startApp, startTunnel, request, type Tunnelled } from '../support/tunnel.ts';

let app: Awaited<ReturnType<typeof startApp>>;
let t: Tunnelled;

before(async () => {
  app = await startApp((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/echo') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks).toString() }));
      });
      return;
    }
    if (url.pathname === '/cookies') {
      res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
      return res.end('ok');
    }
    if (url.pathname === '/204') {
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname === '/304') {
      res.writeHead(304, { etag: '"v1"' });
      return res.end();
    }
    if (url.pathname === '/chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let i = 0;
      const tick = setInterval(() => {
        res.write(`part${i}\n`);
        if (++i === 5) {
          clearInterval(tick);
          res.end();
        }
      }, 5);
      return;
    }
    if (url.pathname === '/head') {
      res.writeHead(200, { 'content-length': '11', 'x-kind': 'head' });
      return res.end(req.method === 'HEAD' ? undefined : 'hello world');
    }
    res.end(`hello ${req.method} ${req.url}`);
  });
  t = await startTunnel({ addr: `127.0.0.1:${app.port}`, name: 'semantics' });
});

after(async () => {
  await t.close();
  await app.close();
});

test('the tunnel gets the name asked for and the edge URL scheme', () => {
  assert.equal(t.tunnel.name, 'semantics');
  assert.equal(t.tunnel.publicUrl, `http://semantics.localhost:${t.edge.port}`);
});

test('GET reaches the app with path and query intact', async () => {
  const r = await request(t.edge, t.host, { path: '/a/b?c=1&d=%20x' });
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'hello GET /a/b?c=1&d=%20x');
});

test('POST body and request headers arrive; X-Forwarded-* come from the edge, not the visitor', async () => {
  const r = await request(t.edge, t.host, {
    method: 'POST',
    path: '/echo',
    body: 'payload-123',
    headers: { 'content-type': 'text/plain', 'x-custom': 'v', 'x-forwarded-for': '6.6.6.6', 'X-Forwarded-Host': 'evil.example' },
  });
  const seen = JSON.parse(r.body.toString());
  assert.equal(seen.body, 'payload-123');
  assert.equal(seen.headers['x-custom'], 'v');
  assert.equal(seen.headers.host, t.host);
  assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.headers['x-forwarded-host'], t.host);
  assert.equal(seen.headers['x-forwarded-proto'], 'http');
  // Each request gets the edge's own id, which its logs use too.
  assert.match(seen.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});

test("a visitor's X-Request-Id is replaced by the edge's", async () => {
  const r = await request(t.edge, t.host, { path: '/echo', headers: { 'x-request-id': 'chosen-by-visitor' } });
  const id = JSON.parse(r.body.toString()).headers['x-request-id'];
  assert.notEqual(id, 'chosen-by-visitor');
  assert.match(id, /^[0-9a-f-]{36}$/);
});

test('chunked request bodies stream through', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: t.edge.port, path: '/echo', method: 'PUT', headers: { host: t.host } }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
    req.write('one,');
    setTimeout(() => req.end('two'), 20);
  });
  const seen = JSON.parse(body);
  assert.equal(seen.body, 'one,two');
  assert.equal(seen.headers['transfer-encoding'], 'chunked');
});

test('several Set-Cookie headers survive', async () => {
  const r = await request(t.edge, t.host, { path: '/cookies' });
  assert.deepEqual(r.headers['set-cookie'], ['a=1; Path=/', 'b=2; HttpOnly']);
});

test('HEAD, 204 and 304 carry no body and do not break the connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const h = await request(t.edge, t.host, { path: '/head', method: 'HEAD', agent });
  assert.equal(h.status, 200);
  assert.equal(h.headers['content-length'], '11');
  assert.equal(h.body.length, 0);
  const n = await request(t.edge, t.host, { path: '/204', agent });
  assert.equal(n.status, 204);
  const m = await request(t.edge, t.host, { path: '/304', agent });
  assert.equal(m.status, 304);
  assert.equal(m.headers.etag, '"v1"');
  const after = await request(t.edge, t.host, { path: '/x', agent });
  assert.equal(after.body.toString(), 'hello GET /x');
  agent.destroy();
});

test('a streamed (chunked) response arrives whole', async () => {
  const r = await request(t.edge, t.host, { path: '/chunked' });
  assert.equal(r.body.toString(), 'part0\npart1\npart2\npart3\npart4\n');
});

test('keep-alive: many requests over one visitor connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let sockets = 0;
  agent.on('free', () => {});
  const seen = new Set<net.Socket>();
  for (let i = 0; i < 20; i++) {
    const r = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: t.edge.port, path: `/k${i}`, headers: { host: t.host }, agent }, (res) => {
        if (!seen.has(res.socket)) {
          seen.add(res.socket);
          sockets++;
        }
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve(s));
      });
      req.on('error', reject);
    });
    assert.equal(r, `hello GET /k${i}`);
  }
  assert.equal(sockets, 1);
  agent.destroy();
});

test('Expect: 100-continue gets a 100 and the body goes through', async () => {
  const result = await new Promise<{ cont: boolean; body: string }>((resolve, reject) => {
    let cont = false;
    const req = http.request(
      { host: '127.0.0.1', port: t.edge.port, path: '/echo', method: 'POST', headers: { host: t.host, expect: '100-continue', 'content-length': '4' } },
      (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve({ cont, body: s }));
      },
    );
    req.on('continue', () => {
      cont = true;
      req.end('body');
    });
    req.on('error', reject);
  });
  assert.ok(result.cont);
  assert.equal(JSON.parse(result.body).body, 'body');
});

test('an unknown host gets a 404 page that names it', async () => {
  const r = await request(t.edge, `nobody.localhost:${t.edge.port}`);
  assert.equal(r.status, 404);
  assert.match(r.body.toString(), /nobody\.localhost/);
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
});

test('the host header is escaped in the 404 page', async () => {
  const r = await request(t.edge, `<script>x</script>.localhost`);
  assert.equal(r.status, 404);
  assert.doesNotMatch(r.body.toString(), /<script>x/);
});

test('oversized request headers are refused (431)', async () => {
  const r = await request(t.edge, t.host, { headers: { 'x-big': 'a'.repeat(20_000) } });
  assert.equal(r.status, 431);
});

test('identity headers from a visitor never reach the app, in any spelling, even without SSO', async () => {
  const r = await request(t.edge, t.host, {
    path: '/echo',
    headers: { 'X-Forwarded-Email': 'forged@evil.test', x_forwarded_user: 'root', 'X-FORWARDED-GROUPS': 'admin', 'x-forwarded_preferred-username': 'r' },
  });
  const seen = JSON.parse(r.body.toString());
  const names = (seen.rawHeaders as string[]).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase().replaceAll('_', '-'));
  for (const h of ['x-forwarded-email', 'x-forwarded-user', 'x-forwarded-groups', 'x-forwarded-preferred-username']) assert.ok(!names.includes(h), h);
});

test("Gatehouse's reserved paths never reach the app, however they are spelled", async () => {
  for (const path of ['/.gatehouse/anything', '/.GateHouse/login', '/%2Egatehouse/x', '/.%67atehouse/handoff?token=x']) {
    const r = await request(t.edge, t.host, { path });
    assert.equal(r.status, 404, path);
    assert.doesNotMatch(r.body.toString(), /hello/, path);
  }
});
