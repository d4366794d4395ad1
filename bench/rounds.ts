// Interleaved rounds. This machine is a shared VM whose speed drifts by tens of percent within a
// minute; measuring A for 10 s and then B for 10 s puts that drift into the ratio. Instead every
// target runs in each round, in turn, and each reports its median round: a slow stretch then
// hits every target alike, and one bad round moves no median. Ratios between targets are taken
// within each round (the two ran seconds apart) and the median of those is reported: dividing
// one target's median round by the other's would pair rounds a minute apart.
// Many short rounds beat a few long ones: six of 2 s keep two targets' slices 2 s apart, and the
// order turns around every round (A B C, C B A, ...) so a steady drift within a round favours
// no target. Measured on this VM (SSO/plain): over 38 runs of 3 rounds of 4 s, a run's result
// ranged 0.79 - 1.01; over 20 runs of 6 rounds of 2 s, 0.86 - 1.00.
import type { LoadResult } from './load.ts';
import type { TransferResult } from './transfer.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median req/s, p50 and p99 over the rounds; request and error counts summed. */
export function combineLoads(rounds: LoadResult[]): LoadResult {
  const errors = rounds.reduce((n, r) => n + r.errors, 0);
  const details = rounds.map((r) => r.errorDetail).filter(Boolean);
  return {
    tool: rounds[0]!.tool,
    reqPerSec: median(rounds.map((r) => r.reqPerSec)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    errors,
    ...(details.length ? { errorDetail: details.join('; ') } : {}),
  };
}

/** The median round by throughput. */
export function combineTransfers(rounds: TransferResult[]): TransferResult {
  const m = median(rounds.map((r) => r.mbPerSec));
  return { ...rounds[0]!, mbPerSec: m, seconds: rounds[0]!.bytes / m / 1e6 };
}

/**
 * The median over rounds of a[i] / b[i]: the ratio of two targets measured in the same rounds.
 * Null when either is missing or they do not have the same rounds.
 */
export function pairedRatio(a: number[] | undefined, b: number[] | undefined): number | null {
  if (!a || !b || a.length === 0 || a.length !== b.length || b.some((x) => !(x > 0))) return null;
  return median(a.map((x, i) => x / b[i]!));
}

/** The targets of one round, in turn: forwards in even rounds, backwards in odd ones. */
export function inTurn<T>(targets: readonly T[], round: number): readonly T[] {
  return round % 2 ? [...targets].reverse() : targets;
}

export type RoundWorkload = 'small' | 'download' | 'upload';
export type RoundUnit = 'req/s' | 'p99 ms' | 'MB/s';

/** Where Results.rounds keeps one target's per-round values, e.g. `small gatehouse req/s`. */
export function roundKey(workload: RoundWorkload, who: string, unit: RoundUnit): string {
  return `${workload} ${who} ${unit}`;
}
