// `gatehouse edge` as a real process with TLS and authtokens, agents as real `gatehouse http`
// processes, and faults injected with signals. Figures (recovery times) are printed, not asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import http from 'node:http';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { makeTestTls, type TestTls } from '../support/tls.ts';
import { startApp } from '../support/tunnel.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { freePort } from '../support/net.ts';

const TOKEN_A = 'token-aaaaaaaaaaaaaaaaaaaa';
const TOKEN_B = 'token-bbbbbbbbbbbbbbbbbbbb';
let tls: TestTls;
let app: Awaited<ReturnType<typeof startApp>>;
let port: number;
let adminPort: number;
let httpPort: number;
let tokensFile: string;
let edge: CliRun;


/** Half the settings come from an --config file, half from flags (and a flag overrides the file). */
function startEdgeProcess(): CliRun {
  const config = join(tls.dir, 'edge.yaml');
  writeFileSync(
    config,
    [`domain: edge.localhost`, `listen: 127.0.0.1:1`, `tls-cert: ${join(tls.dir, 'server.pem')}`, `tls-key: ${join(tls.dir, 'server.key')}`, `grace-period: 2s`, `http-listen: 127.0.0.1:${httpPort}`, `login-rate: 4`].join('\n'),
  );
  return runCli([
    'edge', '--config', config, '--listen', `127.0.0.1:${port}`, '--public-port', String(port),
    '--authtokens-file', tokensFile, '--session-key-file', join(tls.dir, 'session.key'),
    '--admin-addr', `127.0.0.1:${adminPort}`, '--heartbeat', '500', '--log-level', 'warn',
  ]);
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await get(`http://127.0.0.1:${adminPort}/ready`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`edge not ready: ${edge.stderr()}`);
}

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(
      { host: '127.0.0.1', port: u.port, path: u.pathname + u.search, headers: { host: host ?? u.host }, ca: tls.caPem, servername: (host ?? u.hostname).replace(/:\d+$/, '') },
      (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: s }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function agentCli(name: string, token: string, extra: string[] = []): CliRun {
  return runCli(['http', String(app.port), '--url', name, '--edge', `wss://127.0.0.1:${port}`, '--authtoken', token, '--edge-ca', tls.caPath, '--web-addr', 'false', ...extra]);
}

before(async () => {
  tls = await makeTestTls();
  tokensFile = join(tls.dir, 'tokens.yaml');
  await writeFile(tokensFile, `- token: ${TOKEN_A}\n  name: alice\n  max_tunnels: 2\n`);
  app = await startApp((req, res) => {
    if (req.url === '/big') {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 1);
      let n = 0;
      const pump = () => {
        while (n++ < 4096) if (!res.write(chunk)) return void res.once('drain', pump);
        res.end();
      };
      return pump();
    }
    res.end(`app says hi to ${req.headers.host}`);
  });
  port = await freePort();
  adminPort = await freePort();
  httpPort = await freePort();
  edge = startEdgeProcess();
  await waitReady();
});

after(async () => {
  await edge.stop('SIGKILL');
  await app.close();
  await tls.cleanup();
});

test('an agent with an authtoken gets https://<name>.<domain> and serves through TLS; two connections', async () => {
  const agent = agentCli('alpha', TOKEN_A);
  try {
    const m = await agent.waitFor(/Forwarding\s+(https:\/\/alpha\.edge\.localhost:\d+)/);
    assert.equal(m[1], `https://alpha.edge.localhost:${port}`);
    const r = await get(m[1]!);
    assert.equal(r.status, 200);
    assert.equal(r.body, `app says hi to alpha.edge.localhost:${port}`);
    const metrics = (await get(`http://127.0.0.1:${adminPort}/metrics`)).body;
    assert.match(metrics, /^gatehouse_agent_connections 2$/m);
    assert.match(metrics, /^gatehouse_tunnels 1$/m);
    assert.match(metrics, /^gatehouse_requests_total\{status="2xx"\} [1-9]/m);
  } finally {
    assert.equal(await agent.stop(), 0);
  }
});

test('a wrong authtoken is refused with a clear message and a non-zero exit', async () => {
  const agent = agentCli('beta', 'not-a-valid-token-at-all');
  assert.notEqual(await agent.exit, 0);
  assert.match(agent.stderr(), /authtoken rejected by edge 127.0.0.1:\d+/);
});

test('the token file is reloaded on SIGHUP', async () => {
  await writeFile(tokensFile, `- token: ${TOKEN_A}\n  name: alice\n- token: ${TOKEN_B}\n  name: bob\n  hostnames: [bobs-app]\n`);
  edge.child.kill('SIGHUP');
  await new Promise((r) => setTimeout(r, 300));
  const bob = agentCli('bobs-app', TOKEN_B);
  try {
    await bob.waitFor(/Forwarding\s+https:\/\/bobs-app\.edge\.localhost/);
  } finally {
    await bob.stop();
  }
  // Bob may not take other names.
  const other = agentCli('not-bobs', TOKEN_B);
  assert.notEqual(await other.exit, 0);
  assert.match(other.stderr(), /may not use the name "not-bobs"/);
});

test('SIGKILL the edge and restart it: the agent reconnects and the same URL serves again', async () => {
  const agent = agentCli('phoenix', TOKEN_A, ['--log', 'stderr']);
  try {
    const [, url] = await agent.waitFor(/Forwarding\s+(https:\/\/phoenix\.edge\.localhost:\d+)/);
    edge.child.kill('SIGKILL');
    await edge.exit;
    const killedAt = Date.now();
    edge = startEdgeProcess();
    await waitReady();
    let served = false;
    while (!served && Date.now() - killedAt < 30_000) {
      served = await get(url!).then((r) => r.status === 200, () => false);
      if (!served) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(served, `not served again: ${agent.stderr().slice(-500)}`);
    console.log(`# figure: edge SIGKILL → same URL serving again after ${Date.now() - killedAt} ms (including edge start-up)`);
  } finally {
    await agent.stop();
  }
});

test('SIGSTOP the edge: the agent notices within heartbeat + tolerance, and recovers after SIGCONT', async () => {
  const agent = agentCli('sleepy', TOKEN_A, ['--log', 'stderr', '--log-format', 'json', '--heartbeat', '1000']);
  try {
    const [, url] = await agent.waitFor(/Forwarding\s+(https:\/\/sleepy\.edge\.localhost:\d+)/);
    edge.child.kill('SIGSTOP');
    const stoppedAt = Date.now();
    // This agent pings every 1 s and gives up after 1 s + 1.5 s of silence (defaults: 10 s + 15 s).
    while (!/reconnecting/.test(agent.stderr()) && Date.now() - stoppedAt < 40_000) await new Promise((r) => setTimeout(r, 100));
    const noticed = Date.now() - stoppedAt;
    edge.child.kill('SIGCONT');
    assert.match(agent.stderr(), /reconnecting/);
    console.log(`# figure: edge SIGSTOP → agent reports reconnecting after ${noticed} ms (heartbeat 1 s + tolerance 1.5 s)`);
    let served = false;
    const contAt = Date.now();
    while (!served && Date.now() - contAt < 30_000) {
      served = await get(url!).then((r) => r.status === 200, () => false);
      if (!served) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(served);
    console.log(`# figure: SIGCONT → serving again after ${Date.now() - contAt} ms`);
  } finally {
    await agent.stop();
  }
});

test('killing the agent mid-download gives that visitor a clean error; the edge keeps serving others', async () => {
  const victim = agentCli('victim', TOKEN_A);
  const other = agentCli('bystander', TOKEN_A);
  try {
    const [, vurl] = await victim.waitFor(/Forwarding\s+(https:\/\/victim\.edge\.localhost:\d+)/);
    const [, ourl] = await other.waitFor(/Forwarding\s+(https:\/\/bystander\.edge\.localhost:\d+)/);
    const u = new URL(vurl!);
    const outcome = await new Promise<string>((resolve) => {
      const req = https.get({ host: '127.0.0.1', port: u.port, path: '/big', headers: { host: u.host }, ca: tls.caPem, servername: u.hostname }, (res) => {
        let got = 0;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (got > 1024 * 1024 && victim.child.exitCode === null) victim.child.kill('SIGKILL');
        });
        res.on('end', () => resolve(`ended after ${got} bytes`));
        res.on('error', (e) => resolve(`error: ${e.message}`));
        res.on('aborted', () => resolve('aborted'));
      });
      req.on('error', (e) => resolve(`error: ${e.message}`));
    });
    assert.match(outcome, /aborted|error/, 'a truncated download must not look complete');
    const r = await get(ourl!);
    assert.equal(r.status, 200);
    // The victim's URL answers with a clear page while its agent is gone.
    const gone = await get(vurl!);
    assert.equal(gone.status, 502);
    assert.match(gone.body, /not connected right now/);
  } finally {
    await victim.stop('SIGKILL');
    await other.stop();
  }
});

test('slowloris visitors do not stop others from being served', async () => {
  const agent = agentCli('steady', TOKEN_A);
  try {
    const [, url] = await agent.waitFor(/Forwarding\s+(https:\/\/steady\.edge\.localhost:\d+)/);
    const { connect } = await import('node:tls');
    const slow = Array.from({ length: 200 }, () => {
      const s = connect({ host: '127.0.0.1', port, ca: tls.caPem, servername: 'steady.edge.localhost' });
      s.on('error', () => {});
      s.write('GET / HTTP/1.1\r\nHost: steady.edge.localhost\r\n');
      return s;
    });
    for (let i = 0; i < 20; i++) assert.equal((await get(url!)).status, 200);
    for (const s of slow) s.destroy();
  } finally {
    await agent.stop();
  }
});

test('--http-listen redirects to https on the same host and path, and never to a foreign host', async () => {
  const location = async (host: string, path: string) =>
    new Promise<{ status: number; location?: string }>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: httpPort, path, headers: { host } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, location: res.headers.location });
      }).on('error', reject),
    );
  assert.deepEqual(await location(`app.edge.localhost:${httpPort}`, '/a?b=1'), { status: 308, location: `https://app.edge.localhost:${port}/a?b=1` });
  assert.deepEqual(await location('evil.example', '/x'), { status: 308, location: `https://edge.localhost:${port}/x` });
});

test('sign-in attempts are rate-limited per client address (429)', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await get(`https://limited.edge.localhost:${port}/.gatehouse/login`)).status);
  assert.ok(statuses.includes(429), statuses.join(','));
  assert.notEqual(statuses[0], 429);
});

test('SIGTERM: the edge drains and exits 0, and a new one starts on the same address', async () => {
  edge.child.kill('SIGTERM');
  assert.equal(await edge.exit, 0);
  edge = startEdgeProcess();
  await waitReady();
});
