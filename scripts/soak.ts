// `npm run soak`: 500 concurrent visitors for 60 s through a standalone edge (TLS) and an agent
// with two connections, each a real process. Reports requests, errors and latency; exits 1 on
// any error. Options: --visitors N --seconds S.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { makeTestTls } from '../tests/support/tls.ts';
import { runCli } from '../tests/support/cli.ts';
import { freePort } from '../tests/support/net.ts';

const { values } = parseArgs({ options: { visitors: { type: 'string', default: '500' }, seconds: { type: 'string', default: '60' } } });
const visitors = Number(values.visitors);
const seconds = Number(values.seconds);


const tls = await makeTestTls();
const app = http.createServer((req, res) => res.end(`ok ${req.url}`));
await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
const appPort = (app.address() as net.AddressInfo).port;
const port = await freePort();
const token = 'soak-token-0123456789abcdef';
await writeFile(join(tls.dir, 'tokens.txt'), token + '\n');
const edge = runCli(['edge', '--domain', 'edge.localhost', '--listen', `127.0.0.1:${port}`, '--public-port', String(port), '--tls-cert', join(tls.dir, 'server.pem'), '--tls-key', join(tls.dir, 'server.key'), '--authtokens-file', join(tls.dir, 'tokens.txt'), '--session-key-file', join(tls.dir, 'key'), '--admin-addr', 'false', '--log-level', 'warn', '--max-streams', '5000']);
await new Promise((r) => setTimeout(r, 1000));
const agent = runCli(['http', String(appPort), '--url', 'soak', '--edge', `wss://127.0.0.1:${port}`, '--authtoken', token, '--edge-ca', join(tls.dir, 'ca.pem'), '--web-addr', 'false']);
const cleanup = async () => {
  await agent.stop();
  await edge.stop();
  app.close();
  await tls.cleanup();
};
try {
  await agent.waitFor(/Forwarding/);
  const pool = new https.Agent({ keepAlive: true, maxSockets: visitors, ca: tls.caPem });
  const latencies: number[] = [];
  let ok = 0;
  const errors = new Map<string, number>();
  const end = Date.now() + seconds * 1000;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = https.get({ host: '127.0.0.1', port, path: '/soak', headers: { host: `soak.edge.localhost:${port}` }, servername: 'soak.edge.localhost', agent: pool }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) {
            ok++;
            latencies.push(performance.now() - t0);
          } else errors.set(`HTTP ${res.statusCode}`, (errors.get(`HTTP ${res.statusCode}`) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', (e) => {
        errors.set(e.message, (errors.get(e.message) ?? 0) + 1);
        resolve();
      });
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: visitors }, async () => {
      while (Date.now() < end) await one();
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]?.toFixed(1);
  console.log(`soak: ${visitors} visitors for ${elapsed.toFixed(1)} s through a TLS edge and a 2-connection agent`);
  console.log(`soak: ${ok} requests ok (${(ok / elapsed).toFixed(0)} req/s), p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors: ${errors.size ? JSON.stringify(Object.fromEntries(errors)) : 'none'}`);
  pool.destroy();
  await cleanup();
  process.exit(errors.size ? 1 : 0);
} catch (err) {
  console.error(`soak failed: ${(err as Error).message}`);
  await cleanup();
  process.exit(1);
}
