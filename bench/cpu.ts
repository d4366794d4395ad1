// CPU time a process (and its direct children, e.g. nginx's worker) spent, from /proc. On a
// shared machine, wall-clock throughput swings with other load; CPU per request or per byte is
// the steadier measure of how much work the proxy itself does.
import { readdir, readFile } from 'node:fs/promises';
import { runToEnd } from './procs.ts';

let ticksPerSec = 0;

async function clockTicks(): Promise<number> {
  if (!ticksPerSec) {
    const r = await runToEnd('getconf', 'getconf', ['CLK_TCK']).catch(() => null);
    ticksPerSec = Number(r?.stdout.trim()) || 100;
  }
  return ticksPerSec;
}

async function ownTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ".
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
}

async function children(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const text = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
    out.push(...text.split(' ').filter(Boolean).map(Number));
  }
  return out;
}

/** CPU seconds used so far by `pid` and its live direct children. */
export async function cpuSeconds(pid: number): Promise<number> {
  const hz = await clockTicks();
  let ticks = await ownTicks(pid);
  for (const c of await children(pid)) ticks += await ownTicks(c).catch(() => 0);
  return ticks / hz;
}

/** Runs `f` and returns its result with the CPU seconds `pid` (and children) used meanwhile. */
export async function withCpu<T>(pid: number | undefined, f: () => Promise<T>): Promise<{ value: T; cpuSec?: number }> {
  if (pid === undefined) return { value: await f() };
  const before = await cpuSeconds(pid);
  const value = await f();
  return { value, cpuSec: (await cpuSeconds(pid)) - before };
}
