// V8 counts socket buffers as external memory and frees the young ones only at a scavenge. A bulk
// transfer allocates little JS heap, so no scavenge comes before 64 MiB of buffers make V8 start
// a full mark-compact (about one per 20 MB transferred, each marking the whole heap). Filling the
// young generation with short-lived objects every few MiB of buffers brings the scavenge forward
// instead, and it frees the same buffers for a fraction of the cost.
import { getHeapSpaceStatistics } from 'node:v8';

/** Buffer bytes between two paced scavenges: well under V8's 64 MiB external-memory step. */
export const PACE_BYTES = 16 * 1024 * 1024;
/** Elements per filler array: 64 KiB, a regular young object (large ones live elsewhere). */
const FILLER_LENGTH = 8000;
const FILLER_BYTES = FILLER_LENGTH * 8 + 16;

let counted = 0;
// Module state the allocations escape to, so the compiler cannot drop them.
let _sink: unknown;

/** Note bytes of buffers that socket reads allocated; now and then, bring a scavenge forward. */
export function noteBufferBytes(n: number): void {
  counted += n;
  if (counted < PACE_BYTES) return;
  counted = 0;
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  for (let left = (young?.space_available_size ?? 0) + FILLER_BYTES; left > 0; left -= FILLER_BYTES) _sink = new Array(FILLER_LENGTH);
  _sink = undefined;
}
