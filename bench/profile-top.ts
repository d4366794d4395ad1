// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and
// self time grouped by where the code lives (Gatehouse, ws, Node internals, GC, ...).
// Usage: node bench/profile-top.ts FILE.cpuprofile [N]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of samples not idle: percentages below are of these busy samples. */
  busyPct: number;
  top: { frame: string; selfMs: number; pct: number }[];
  byArea: { area: string; selfMs: number; pct: number }[];
  /** Gatehouse's own functions by total time (self + callees): where to look first. */
  inclusive: { frame: string; totalMs: number; pct: number }[];
}

export function summarise(p: Profile, n = 25): ProfileSummary {
  const samples = p.samples?.length ?? p.nodes.reduce((a, x) => a + (x.hitCount ?? 0), 0);
  const totalMs = (p.endTime - p.startTime) / 1000;
  const msPerSample = samples > 0 ? totalMs / samples : 0;
  const hits = new Map<number, number>();
  if (p.samples) for (const id of p.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const selfHits = (n: ProfileNode) => (p.samples ? (hits.get(n.id) ?? 0) : (n.hitCount ?? 0));
  const byFrame = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  for (const node of p.nodes) {
    const h = selfHits(node);
    const f = node.callFrame;
    if (!h || f.functionName === '(idle)') continue;
    busy += h;
    const key = frameKey(f);
    byFrame.set(key, (byFrame.get(key) ?? 0) + h);
    const area = areaOf(f.url, f.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + h);
  }
  const rank = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, h]) => ({ k, selfMs: h * msPerSample, pct: (100 * h) / Math.max(1, busy) }));
  // Inclusive time of Gatehouse frames: walk the call tree, counting a frame once per path
  // even when it recurses.
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const childIds = new Set(p.nodes.flatMap((x) => x.children ?? []));
  const incl = new Map<string, number>();
  const walk = (node: ProfileNode, active: Set<string>): number => {
    let total = selfHits(node);
    if (node.callFrame.functionName === '(idle)') return 0;
    const key = frameKey(node.callFrame);
    const mine = node.callFrame.url.includes('/main/') && !node.callFrame.url.includes('node_modules') && !active.has(key);
    if (mine) active.add(key);
    for (const c of node.children ?? []) total += walk(byId.get(c)!, active);
    if (mine) {
      active.delete(key);
      incl.set(key, (incl.get(key) ?? 0) + total);
    }
    return total;
  };
  for (const root of p.nodes.filter((x) => !childIds.has(x.id))) walk(root, new Set());
  const inclusive = [...incl]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, h]) => ({ frame, totalMs: h * msPerSample, pct: (100 * h) / Math.max(1, busy) }));
  return {
    totalMs,
    inclusive,
    busyPct: (100 * busy) / Math.max(1, samples),
    top: rank(byFrame).slice(0, n).map(({ k, selfMs, pct }) => ({ frame: k, selfMs, pct })),
    byArea: rank(byArea).map(({ k, selfMs, pct }) => ({ area: k, selfMs, pct })),
  };
}

function frameKey(f: ProfileNode['callFrame']): string {
  return `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
}

function shortUrl(url: string): string {
  const i = url.indexOf('/main/');
  if (i >= 0 && !url.includes('node_modules')) return url.slice(i + 1);
  const j = url.lastIndexOf('node_modules/');
  if (j >= 0) return url.slice(j + 'node_modules/'.length);
  return url;
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.includes('node_modules/')) return `dep: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]}`;
  if (url.includes('/main/')) return `gatehouse: ${/\/main\/([^/]+)/.exec(url)?.[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`;
  return url;
}

export function renderSummary(s: ProfileSummary): string {
  const lines = [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s wall, ${s.busyPct.toFixed(0)}% busy; shares below are of busy time`,
    'self time by area:',
  ];
  for (const a of s.byArea.slice(0, 15)) lines.push(`  ${a.pct.toFixed(1).padStart(5)}%  ${a.area}`);
  lines.push('top frames by self time:');
  for (const t of s.top) lines.push(`  ${t.pct.toFixed(1).padStart(5)}%  ${t.frame}`);
  lines.push('gatehouse functions by total time (self + callees):');
  for (const t of s.inclusive) lines.push(`  ${t.pct.toFixed(1).padStart(5)}%  ${t.frame}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile-top.ts FILE.cpuprofile [N]');
    process.exit(2);
  }
  const p = JSON.parse(await readFile(file, 'utf8')) as Profile;
  console.log(renderSummary(summarise(p, Number(process.argv[3] ?? 25))));
}
