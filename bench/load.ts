// Small-GET load at a fixed connection count: wrk when installed (parses its --latency output),
// else autocannon in its own process (parses its JSON).
import { fileURLToPath } from 'node:url';
import { runToEnd } from './procs.ts';

export interface Target {
  port: number;
  /** Host header to send. */
  host: string;
  path: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Socket errors plus non-2xx/3xx responses: a run with errors is flagged in the report. */
  errors: number;
  /** What the errors were, e.g. `non-2xx/3xx 12, read 3`. */
  errorDetail?: string;
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  threads: number;
}

export function runLoad(wrk: string | null, t: Target, o: LoadOptions): Promise<LoadResult> {
  return wrk ? runWrk(wrk, t, o) : runAutocannon(t, o);
}

async function runWrk(wrk: string, t: Target, o: LoadOptions): Promise<LoadResult> {
  // `Host` spelled exactly so: wrk adds its own unless this very spelling is present, and two
  // Host headers get a 400 from nginx.
  const headers = { Host: t.host, ...t.headers };
  const args = [`-t${o.threads}`, `-c${o.connections}`, `-d${o.seconds}s`, '--latency', '--timeout', '10s'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(`http://127.0.0.1:${t.port}${t.path}`);
  const r = await runToEnd('wrk', wrk, args);
  if (r.code !== 0) throw new Error(`wrk failed (${r.code}): ${r.stderr || r.stdout}`);
  return parseWrk(r.stdout);
}

export function parseWrk(out: string): LoadResult {
  const num = (re: RegExp, what: string) => {
    const m = re.exec(out);
    if (!m) throw new Error(`wrk output has no ${what}:\n${out}`);
    return m;
  };
  const reqPerSec = Number(num(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec')[1]);
  const requests = Number(num(/(\d+) requests in/, 'request count')[1]);
  const pct = (p: string) => {
    const m = num(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm'), `${p}% latency`);
    const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
    return Number(m[1]) * scale;
  };
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const kinds: [string, number][] = [['non-2xx/3xx', non2xx ? Number(non2xx[1]) : 0]];
  if (sock) ['connect', 'read', 'write', 'timeout'].forEach((k, i) => kinds.push([k, Number(sock[i + 1])]));
  const errors = kinds.reduce((a, [, n]) => a + n, 0);
  const errorDetail = kinds.filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
  return { tool: 'wrk', reqPerSec, p50Ms: pct('50'), p99Ms: pct('99'), requests, errors, ...(errors ? { errorDetail } : {}) };
}

const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));

async function runAutocannon(t: Target, o: LoadOptions): Promise<LoadResult> {
  const args = [AUTOCANNON, '-j', '-c', String(o.connections), '-d', String(o.seconds), '-w', String(o.threads)];
  for (const [k, v] of Object.entries({ host: t.host, ...t.headers })) args.push('-H', `${k}=${v}`);
  args.push(`http://127.0.0.1:${t.port}${t.path}`);
  const r = await runToEnd('autocannon', process.execPath, args);
  if (r.code !== 0) throw new Error(`autocannon failed (${r.code}): ${r.stderr}`);
  const j = JSON.parse(r.stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    tool: 'autocannon',
    reqPerSec: j.requests.average,
    p50Ms: j.latency.p50,
    p99Ms: j.latency.p99,
    requests: j.requests.total,
    errors: j.errors + j.timeouts + j.non2xx,
    errorDetail: `errors ${j.errors}, timeouts ${j.timeouts}, non-2xx ${j.non2xx}`,
  };
}
