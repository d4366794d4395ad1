// The bench's output: the comparison table, the targets with PASS/MISS, and the JSON.
import type { LoadResult } from './load.ts';
import type { TransferResult } from './transfer.ts';
import { pairedRatio, roundKey, type RoundUnit, type RoundWorkload } from './rounds.ts';

export type Via = 'direct' | 'gatehouse' | 'nginx';
type PerVia<T> = Partial<Record<Via, T>>;

export interface RssResult {
  idleKiB: number;
  openKiB: number;
  streams: number;
  growthKiBPerStream: number;
  /** VmHWM of the gatehouse process at the end of the run (peak over every workload). */
  peakKiB?: number;
}

export interface Results {
  small: PerVia<LoadResult>;
  /** Through Gatehouse with an openid-connect policy and a valid session cookie. */
  smallAuth?: LoadResult;
  download: PerVia<TransferResult>;
  upload: PerVia<TransferResult>;
  rss?: RssResult;
  /** CPU time of the proxy process itself (Gatehouse; nginx master + worker). */
  cpu: { smallUsPerReq: PerVia<number>; authUsPerReq?: number; downloadMs: PerVia<number>; uploadMs: PerVia<number> };
  /** Every round's figure, per workload and target (the table shows medians). */
  rounds: Record<string, number[]>;
  /** Why a column or workload is missing, and anything that went wrong. */
  notes: string[];
}

export interface Target {
  target: string;
  value: number | null;
  goal: string;
  status: 'PASS' | 'MISS' | 'n/a';
}

export function targets(r: Results): Target[] {
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? a / b : null);
  const atLeast = (target: string, value: number | null, min: number, unit = 'x'): Target => ({
    target,
    value,
    goal: `>= ${min}${unit}`,
    status: value === null ? 'n/a' : value >= min ? 'PASS' : 'MISS',
  });
  const atMost = (target: string, value: number | null, max: number, unit = 'x'): Target => ({
    target,
    value,
    goal: `<= ${max}${unit}`,
    status: value === null ? 'n/a' : value <= max ? 'PASS' : 'MISS',
  });
  // Round by round where the rounds are there (see rounds.ts); else the medians' ratio.
  const paired = (workload: RoundWorkload, unit: RoundUnit, a: string, b: string, medians: number | null) =>
    pairedRatio(r.rounds[roundKey(workload, a, unit)], r.rounds[roundKey(workload, b, unit)]) ?? medians;
  const { small, download, upload } = r;
  return [
    atLeast('small GET req/s vs nginx', paired('small', 'req/s', 'gatehouse', 'nginx', ratio(small.gatehouse?.reqPerSec, small.nginx?.reqPerSec)), 0.4),
    atMost('small GET p99 vs nginx', paired('small', 'p99 ms', 'gatehouse', 'nginx', ratio(small.gatehouse?.p99Ms, small.nginx?.p99Ms)), 3),
    atLeast('256 MiB download vs nginx', paired('download', 'MB/s', 'gatehouse', 'nginx', ratio(download.gatehouse?.mbPerSec, download.nginx?.mbPerSec)), 0.7),
    atLeast('256 MiB upload vs nginx', paired('upload', 'MB/s', 'gatehouse', 'nginx', ratio(upload.gatehouse?.mbPerSec, upload.nginx?.mbPerSec)), 0.7),
    atMost('RSS growth per open stream', r.rss ? r.rss.growthKiBPerStream : null, 64, ' KiB'),
    atLeast('authenticated req/s vs unauthenticated', paired('small', 'req/s', 'auth', 'gatehouse', ratio(r.smallAuth?.reqPerSec, small.gatehouse?.reqPerSec)), 0.9),
  ];
}

export function renderReport(r: Results): string {
  const rows: string[][] = [['workload', 'direct', 'gatehouse', 'nginx', 'gatehouse/direct', 'gatehouse/nginx']];
  const row = (name: string, v: PerVia<number | undefined>, digits: number) => {
    const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(digits));
    const q = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : '-');
    rows.push([name, f(v.direct), f(v.gatehouse), f(v.nginx), q(v.gatehouse, v.direct), q(v.gatehouse, v.nginx)]);
  };
  const pick = <T>(m: PerVia<T>, f: (t: T) => number): PerVia<number> => {
    const out: PerVia<number> = {};
    for (const k of ['direct', 'gatehouse', 'nginx'] as const) if (m[k] !== undefined) out[k] = f(m[k]);
    return out;
  };
  row('small GET req/s (64 conns)', pick(r.small, (x) => x.reqPerSec), 0);
  row('small GET p50 ms', pick(r.small, (x) => x.p50Ms), 2);
  row('small GET p99 ms', pick(r.small, (x) => x.p99Ms), 2);
  if (r.smallAuth) row('  with SSO session req/s', { gatehouse: r.smallAuth.reqPerSec }, 0);
  if (r.smallAuth) row('  with SSO session p99 ms', { gatehouse: r.smallAuth.p99Ms }, 2);
  row('256 MiB download MB/s', pick(r.download, (x) => x.mbPerSec), 0);
  row('256 MiB upload MB/s', pick(r.upload, (x) => x.mbPerSec), 0);
  if (Object.keys(r.cpu.smallUsPerReq).length) row('proxy CPU us per small GET', r.cpu.smallUsPerReq, 1);
  if (r.cpu.authUsPerReq !== undefined) row('  with SSO session', { gatehouse: r.cpu.authUsPerReq }, 1);
  if (Object.keys(r.cpu.downloadMs).length) row('proxy CPU ms per 256 MiB down', r.cpu.downloadMs, 0);
  if (Object.keys(r.cpu.uploadMs).length) row('proxy CPU ms per 256 MiB up', r.cpu.uploadMs, 0);
  if (r.rss) {
    row('gatehouse RSS idle MiB', { gatehouse: r.rss.idleKiB / 1024 }, 1);
    row(`RSS, ${r.rss.streams} open streams MiB`, { gatehouse: r.rss.openKiB / 1024 }, 1);
    row('RSS growth KiB/open stream', { gatehouse: r.rss.growthKiBPerStream }, 1);
    if (r.rss.peakKiB !== undefined) row('RSS peak over run (VmHWM) MiB', { gatehouse: r.rss.peakKiB / 1024 }, 1);
  }
  const out = [table(rows), '', table([
    ['target', 'value', 'goal', 'result'],
    ...targets(r).map((t) => [t.target, t.value === null ? '-' : t.value.toFixed(2), t.goal, t.status]),
  ]), 'Target ratios are the median of the per-round ratios (targets run back to back in each round).'];
  if (r.notes.length) out.push('', ...r.notes.map((n) => `note: ${n}`));
  return out.join('\n');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}
