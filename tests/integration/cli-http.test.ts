// The real `gatehouse http` process: what it prints, its agent API and its guard, its exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startApp } from '../support/tunnel.ts';
import { runCli } from '../support/cli.ts';
import { freePort } from '../support/net.ts';

function get(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let s = '';
        res.on('data', (c) => (s += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: s }));
      })
      .on('error', reject);
  });
}


test('prints the Forwarding URL, serves it, answers the ngrok-shaped API, and exits 0 on SIGTERM', async () => {
  const app = await startApp((req, res) => {
    if (req.url === '/slow') return void setTimeout(() => res.end('finished'), 400);
    res.end('from the app');
  });
  const apiPort = await freePort();
  const cli = runCli(['http', String(app.port), '--url', 'clitest', '--edge-addr', '127.0.0.1:0', '--web-addr', `127.0.0.1:${apiPort}`]);
  try {
    const m = await cli.waitFor(/Forwarding\s+(http:\/\/clitest\.localhost:(\d+)) -> http:\/\/localhost:(\d+)/);
    assert.equal(Number(m[3]), app.port);
    const edgePort = Number(m[2]);
    await cli.waitFor(new RegExp(`Web Interface\\s+http://127.0.0.1:${apiPort}`));
    const page = await get(edgePort, '/', `clitest.localhost:${edgePort}`);
    assert.equal(page.body, 'from the app');

    const api = await get(apiPort, '/api/tunnels', `127.0.0.1:${apiPort}`);
    assert.equal(api.status, 200);
    assert.deepEqual(JSON.parse(api.body), {
      tunnels: [{ name: 'clitest', public_url: m[1], proto: 'http', config: { addr: `http://localhost:${app.port}`, inspect: true } }],
      uri: '/api/tunnels',
    });
    assert.equal(JSON.parse((await get(apiPort, '/api/status', `localhost:${apiPort}`)).body).status, 'online');
    // DNS rebinding: a page on attacker.example resolving to 127.0.0.1 sends its own Host.
    const evil = await get(apiPort, '/api/tunnels', `attacker.example:${apiPort}`);
    assert.equal(evil.status, 403);
    assert.equal((await get(apiPort, '/api/tunnels', `localhost:1`)).status, 403);

    // Graceful stop: a request in flight finishes.
    const inflight = get(edgePort, '/slow', `clitest.localhost:${edgePort}`);
    await new Promise((r) => setTimeout(r, 100));
    const code = cli.stop('SIGTERM');
    assert.equal((await inflight).body, 'finished');
    assert.equal(await code, 0);
  } finally {
    await cli.stop('SIGKILL');
    await app.close();
  }
});

test('clear errors and non-zero exits for a port in use, a bad address, a bad name, an unknown flag', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const busyPort = (busy.address() as net.AddressInfo).port;
  const cases: [string[], RegExp, number][] = [
    [['http', '3000', '--edge-addr', `127.0.0.1:${busyPort}`, '--web-addr', 'false'], new RegExp(`127.0.0.1:${busyPort} is already in use`), 1],
    [['http', 'not:an:addr'], /is not a local address/, 1],
    [['http', '3000', '--url', 'Bad_Name'], /not a valid tunnel name/, 2],
    [['http', '3000', '--frobnicate'], /Unknown option '--frobnicate'/, 2],
    [['http'], /expected one local address/, 2],
    [['http', '3000', '--edge-addr', 'nonsense'], /not a valid address/, 1],
    // Its Host check would refuse every request: an error at start, not a dead API.
    [['http', '3000', '--edge-addr', '127.0.0.1:0', '--web-addr', '0.0.0.0:4041'], /0\.0\.0\.0:4041 is not 127\.0\.0\.1, localhost or \[::1\]/, 1],
    [['teleport'], /unknown command "teleport"/, 2],
    // Checked at start, not first met in the Ctrl-C handler.
    [['http', '3000', '--grace-period', 'soon'], /--grace-period must be a duration like 10s/, 2],
  ];
  for (const [args, message, exit] of cases) {
    const cli = runCli(args);
    const code = await cli.exit;
    assert.equal(code, exit, `${args.join(' ')}: exit ${code}\n${cli.stderr()}`);
    assert.match(cli.stderr(), message);
    assert.doesNotMatch(cli.stderr(), /at .*\.ts:\d+/, 'no stack trace');
  }
  busy.close();
});

test('server commands run tuned (8 MiB semi-spaces, glibc keeps freed heap), and a semi-space size in NODE_OPTIONS wins', async () => {
  const app = await startApp((_req, res) => res.end('ok'));
  const procOf = (pid: number) => ({
    argv: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'),
    env: readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'),
  });
  try {
    for (const nodeOptions of [undefined, '--max-semi-space-size=2', '--max_semi_space_size=2']) {
      const cli = runCli(['http', String(app.port), '--edge-addr', '127.0.0.1:0', '--web-addr', 'false', '--log', 'false'], nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
      try {
        await cli.waitFor(/Forwarding\s+http:\/\//);
        // process.execve keeps the pid: this is the process that serves.
        const p = procOf(cli.child.pid!);
        assert.equal(p.argv.includes('--max-semi-space-size=8'), !nodeOptions, p.argv.join(' '));
        assert.ok(p.env.includes(`MALLOC_TRIM_THRESHOLD_=${64 * 1024 * 1024}`));
        assert.ok(p.env.includes('GATEHOUSE_TUNED=1'));
        if (nodeOptions) assert.ok(p.env.includes(`NODE_OPTIONS=${nodeOptions}`), 'the user\'s own setting is what applies');
      } finally {
        assert.equal(await cli.stop(), 0);
      }
    }
  } finally {
    await app.close();
  }
});
