// `npm run bench`: the same workloads direct, through Gatehouse (the real CLI, its own process)
// and through nginx proxy_pass, on loopback, in one run. Prints a table and the targets,
// writes bench/results/<timestamp>.json. Every child process is stopped at the end, also on failure.
//
//   npm run bench [-- --seconds N] [--rounds N] [--only rss,small,auth,transfer] [--profile]
//     --seconds N   small-GET measurement per target, split over the rounds (default 12)
//     --rounds N    interleaved rounds per workload; each target reports its median (default 6)
//     --only LIST   run only these workloads (e.g. to profile one of them)
//     --profile     run the Gatehouse processes under `node --cpu-prof` and print their top frames
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startGatehouse, type Gatehouse } from './gatehouse.ts';
import { request } from './http-client.ts';
import { runLoad, type LoadOptions, type LoadResult, type Target } from './load.ts';
import { combineLoads, combineTransfers, inTurn, roundKey } from './rounds.ts';
import { withCpu } from './cpu.ts';
import { startNginx, type Nginx } from './nginx.ts';
import { killAllSync, onCleanup, stopAll } from './procs.ts';
import { freePort } from '../tests/support/net.ts';
import { renderSummary, summarise } from './profile-top.ts';
import { renderReport, targets, type Results, type RssResult, type Via } from './report.ts';
import { holdStreams, readMem } from './rss.ts';
import { findTools } from './tools.ts';
import { download, makeUploadFile, upload, type TransferResult } from './transfer.ts';
import { startUpstream, type Upstream } from './upstream-proc.ts';
import type { AuthSetup } from './auth.ts';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '6' },
    only: { type: 'string', default: 'rss,small,auth,transfer' },
    profile: { type: 'boolean', default: false },
  },
});
const WORKLOADS = ['rss', 'small', 'auth', 'transfer'];
const only = new Set(flags.only.split(','));
for (const w of only) if (!WORKLOADS.includes(w)) throw new Error(`--only: unknown workload "${w}" (${WORKLOADS.join(', ')})`);
if (!(Number(flags.seconds) > 0)) throw new Error('--seconds must be a positive number');
if (!(Number.isInteger(Number(flags.rounds)) && Number(flags.rounds) >= 1)) throw new Error('--rounds must be a positive integer');
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const ROUND_SECONDS = Math.max(1, Math.round(SECONDS / ROUNDS));
const WARMUP_SECONDS = 2;
const CONNECTIONS = 64;
const BODY_BYTES = 256 * 1024 * 1024;
const OPEN_STREAMS = 1000;
const WATCHDOG_MS = 8 * 60_000;

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const log = (line: string) => console.log(`· ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.on('exit', killAllSync);
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: stopping child processes`);
    void stopAll().finally(() => process.exit(130));
  });

async function main(): Promise<number> {
  const started = Date.now();
  const results: Results = { small: {}, download: {}, upload: {}, cpu: { smallUsPerReq: {}, downloadMs: {}, uploadMs: {} }, rounds: {}, notes: [] };
  const [load1] = os.loadavg();
  if (load1! > os.cpus().length)
    results.notes.push(`machine busy at start (load average ${load1!.toFixed(1)} on ${os.cpus().length} CPUs): wall-clock figures are noisy; the CPU rows less so`);
  const tools = await findTools(log);
  results.notes.push(...tools.notes);
  if (!tools.curl) throw new Error('curl is required for the transfer workloads');
  const tmp = await mkdtemp(join(os.tmpdir(), 'gatehouse-bench-'));
  onCleanup(() => rm(tmp, { recursive: true, force: true }));
  const profDir = flags.profile ? join(RESULTS_DIR, `profile-${stamp}`) : undefined;
  if (profDir) await mkdir(profDir, { recursive: true });

  let gatehouse: Gatehouse | null = null;
  let nginx: Nginx | null = null;
  let auth: AuthSetup | null = null;
  try {
    const upstream = await startUpstream();
    const edgePort = await freePort();
    gatehouse = await startGatehouse({ upstreamPort: upstream.port, edgePort, name: 'bench', cpuProfDir: profDir });
    log(`gatehouse ${gatehouse.publicUrl} is pid ${gatehouse.pid}; upstream 127.0.0.1:${upstream.port}`);
    if (tools.nginx) {
      nginx = await startNginx(tools.nginx, await freePort(), upstream.port).catch((err: Error) => {
        results.notes.push(`nginx did not start, column skipped: ${err.message.split('\n')[0]}`);
        return null;
      });
    }
    const via: Partial<Record<Via, Target>> = {
      direct: { port: upstream.port, host: `127.0.0.1:${upstream.port}`, path: '/' },
      gatehouse: { port: edgePort, host: gatehouse.host, path: '/' },
      ...(nginx ? { nginx: { port: nginx.port, host: `127.0.0.1:${nginx.port}`, path: '/' } } : {}),
    };
    const vias = Object.entries(via) as [Via, Target][];
    for (const [name, t] of vias) {
      const r = await request({ port: t.port, path: '/', host: t.host });
      if (r.status !== 200 || r.body.toString() !== 'hello, world\n') throw new Error(`${name}: GET / answered HTTP ${r.status}`);
    }

    // Authenticated tunnel: a second CLI with --oidc against the tests' real IdP.
    if (only.has('auth')) {
      try {
        const { startAuth } = await import('./auth.ts');
        auth = await startAuth(upstream.port, await freePort(), profDir);
        log(`gatehouse ${auth.gatehouse.publicUrl} (--oidc) is pid ${auth.gatehouse.pid}; signed in through the IdP`);
      } catch (err) {
        results.notes.push(`authenticated workload skipped: ${(err as Error).message}`);
      }
    }
    const wrk = tools.wrk;
    // CPU is charged to the proxy process (nginx: master + worker); direct has none.
    const proxyPid: Partial<Record<Via, number>> = { gatehouse: gatehouse.pid, ...(nginx ? { nginx: nginx.child.pid } : {}) };
    if (only.has('rss')) results.rss = await measureRss(wrk, gatehouse.pid, via.gatehouse!, upstream);
    // Small GETs: each target warms up once, then every round runs every target in turn (the SSO
    // tunnel right after the plain one), so machine drift hits them alike (see rounds.ts).
    type SmallTarget = { key: string; what: string; t: Target; pid?: number; via?: Via };
    const authEntry: SmallTarget | null = auth ? { key: 'auth', what: 'small GET via gatehouse with an SSO session', t: await authTarget(auth), pid: auth.gatehouse.pid } : null;
    // The session cookie rolls once it is a minute old: each round sends the current one, as a browser would.
    const targetOf = async (x: SmallTarget) => (x === authEntry && auth ? await authTarget(auth) : x.t);
    const smallTargets: SmallTarget[] = [];
    for (const [name, t] of only.has('small') ? vias : []) {
      smallTargets.push({ key: name, what: `small GET via ${name}`, t, pid: proxyPid[name], via: name });
      if (name === 'gatehouse' && authEntry) smallTargets.push(authEntry);
    }
    if (authEntry && !only.has('small')) smallTargets.push(authEntry);
    if (smallTargets.length) {
      log(`small GET at ${CONNECTIONS} connections: ${WARMUP_SECONDS}s warm-up each, then ${ROUNDS} rounds of ${ROUND_SECONDS}s through ${smallTargets.map((x) => x.key).join(', ')}`);
      const load: LoadOptions = { connections: CONNECTIONS, seconds: ROUND_SECONDS, threads: 2 };
      for (const x of smallTargets) await runLoad(wrk, x.t, { ...load, seconds: WARMUP_SECONDS });
      const runs = new Map<string, { loads: LoadResult[]; cpuSec: number }>(smallTargets.map((x) => [x.key, { loads: [], cpuSec: 0 }]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const x of inTurn(smallTargets, round)) {
          const t = await targetOf(x);
          const r = await withCpu(x.pid, () => runLoad(wrk, t, load));
          runs.get(x.key)!.loads.push(r.value);
          runs.get(x.key)!.cpuSec += r.cpuSec ?? 0;
        }
      }
      for (const x of smallTargets) {
        const { loads, cpuSec } = runs.get(x.key)!;
        const value = combineLoads(loads);
        if (value.errors > 0) results.notes.push(`${x.what}: ${value.errors} of ${value.requests} failed (${value.errorDetail})`);
        results.rounds[roundKey('small', x.key, 'req/s')] = loads.map((l) => Math.round(l.reqPerSec));
        results.rounds[roundKey('small', x.key, 'p99 ms')] = loads.map((l) => l.p99Ms);
        const usPerReq = x.pid === undefined ? undefined : (cpuSec * 1e6) / value.requests;
        if (x.key === 'auth') {
          results.smallAuth = value;
          results.cpu.authUsPerReq = usPerReq;
        } else {
          results.small[x.via!] = value;
          if (usPerReq !== undefined) results.cpu.smallUsPerReq[x.via!] = usPerReq;
        }
      }
      // wrk counts a 302 to the IdP as a success: prove the session held for the whole run.
      await auth?.check();
    }
    if (only.has('transfer')) {
      const file = join(tmp, 'upload.bin');
      await makeUploadFile(file, BODY_BYTES);
      // Every proxy gets the same warm-up (a JIT-compiled Node runs its bulk path about 3x
      // cheaper than a cold one): steady-state throughput is what the ratio is about.
      log(`256 MiB download and upload: a 256 MiB warm-up each way, then ${ROUNDS} rounds through ${vias.map(([n]) => n).join(', ')}`);
      for (const [, t] of vias) {
        await download(tools.curl!, t, BODY_BYTES);
        await upload(tools.curl!, t, file, BODY_BYTES);
      }
      const downs = new Map<Via, TransferResult[]>();
      const ups = new Map<Via, TransferResult[]>();
      const cpu = new Map<Via, { down: number; up: number }>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, t] of inTurn(vias, round)) {
          const down = await withCpu(proxyPid[name], () => download(tools.curl!, t, BODY_BYTES));
          const up = await withCpu(proxyPid[name], () => upload(tools.curl!, t, file, BODY_BYTES));
          downs.set(name, [...(downs.get(name) ?? []), down.value]);
          ups.set(name, [...(ups.get(name) ?? []), up.value]);
          const c = cpu.get(name) ?? { down: 0, up: 0 };
          cpu.set(name, { down: c.down + (down.cpuSec ?? 0), up: c.up + (up.cpuSec ?? 0) });
        }
      }
      for (const [name] of vias) {
        results.download[name] = combineTransfers(downs.get(name)!);
        results.upload[name] = combineTransfers(ups.get(name)!);
        results.rounds[roundKey('download', name, 'MB/s')] = downs.get(name)!.map((d) => Math.round(d.mbPerSec));
        results.rounds[roundKey('upload', name, 'MB/s')] = ups.get(name)!.map((d) => Math.round(d.mbPerSec));
        if (proxyPid[name] !== undefined) {
          results.cpu.downloadMs[name] = (cpu.get(name)!.down * 1000) / ROUNDS;
          results.cpu.uploadMs[name] = (cpu.get(name)!.up * 1000) / ROUNDS;
        }
      }
    }
    if (results.rss) results.rss.peakKiB = (await readMem(gatehouse.pid)).hwmKiB;
  } finally {
    await auth?.stop().catch(() => {});
    await gatehouse?.stop().catch(() => {});
    await nginx?.stop().catch(() => {});
    await stopAll(); // also removes the temp dirs
  }

  console.log('');
  console.log(renderReport(results));
  const profiles = profDir ? await summariseProfiles(profDir) : [];
  const json = {
    startedAt: new Date(started).toISOString(),
    durationSec: (Date.now() - started) / 1000,
    machine: { loadAvgAtEnd: os.loadavg(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, totalMemMiB: Math.round(os.totalmem() / 2 ** 20) },
    tools: { ...tools.versions, load: results.small.gatehouse?.tool },
    config: { only: [...only], connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, roundSeconds: ROUND_SECONDS, warmupSeconds: WARMUP_SECONDS, bodyBytes: BODY_BYTES, openStreams: OPEN_STREAMS, profile: flags.profile },
    results,
    targets: targets(results),
    profiles,
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const out = join(RESULTS_DIR, `${stamp}.json`);
  await writeFile(out, JSON.stringify(json, null, 2) + '\n');
  console.log(`\nwrote ${out} (${json.durationSec.toFixed(0)} s)`);
  return 0;
}

/** Gatehouse's RSS idle (fresh process, after a short warm-up) and with OPEN_STREAMS held open. */
async function measureRss(wrk: string | null, pid: number, t: Target, upstream: Upstream): Promise<RssResult> {
  log(`gatehouse RSS idle and with ${OPEN_STREAMS} open streams`);
  await runLoad(wrk, t, { connections: 8, seconds: 1, threads: 1 });
  await sleep(1000);
  const idle = await readMem(pid);
  const held = await holdStreams(t, OPEN_STREAMS, upstream);
  try {
    await sleep(1000);
    const open = await readMem(pid);
    await held.release();
    return { idleKiB: idle.rssKiB, openKiB: open.rssKiB, streams: OPEN_STREAMS, growthKiBPerStream: (open.rssKiB - idle.rssKiB) / OPEN_STREAMS };
  } finally {
    held.destroy();
  }
}

/** The SSO tunnel with the session cookie a browser would hold now. */
async function authTarget(auth: AuthSetup): Promise<Target> {
  return { port: auth.port, host: auth.gatehouse.host, path: '/', headers: { cookie: await auth.currentCookie() } };
}

async function summariseProfiles(dir: string) {
  const out = [];
  for (const f of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'))) {
    const s = summarise(JSON.parse(await readFile(join(dir, f), 'utf8')), 25);
    console.log(`\n${join(dir, f)}\n${renderSummary(s)}`);
    out.push({ file: join(dir, f), ...s });
  }
  return out;
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  void stopAll().finally(() => process.exit(1));
}, WATCHDOG_MS);
watchdog.unref();

main().then(
  (code) => process.exit(code),
  async (err: Error) => {
    if (!interrupted) console.error(`bench failed: ${err.stack ?? err.message}`);
    await stopAll();
    process.exit(interrupted ? 130 : 1);
  },
);
