// The session's stream table against a Map doing the same work: ids as a session hands them out
// (one side's consecutive odd or even numbers), long-lived streams among short ones, growth,
// shrinking, and probe runs that wrap around the end of the table; and the seed that keeps a
// peer from picking colliding ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTable, homeSlot } from '../../main/protocol/stream-table.ts';

interface S {
  readonly id: number;
}

function assertSame(table: StreamTable<S>, model: Map<number, S>, ids: Iterable<number>): void {
  assert.equal(table.size, model.size);
  for (const id of ids) assert.equal(table.get(id), model.get(id), `id ${id}`);
  assert.deepEqual(
    table.values().map((s) => s.id).sort((a, b) => a - b),
    [...model.keys()].sort((a, b) => a - b),
  );
}

test('stream table: lookups, deletes and sizes match a Map over random traffic', () => {
  // A fixed LCG: the same traffic every run.
  let seed = 12345;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (const [first, seed] of [[1, 0], [2, 0x9e3779b9], [1, 0xffff_fffe]] as const) {
    const table = new StreamTable<S>(seed);
    const model = new Map<number, S>();
    let next = first;
    const seen: number[] = [];
    for (let step = 0; step < 40_000; step++) {
      // Bursts grow the table past its first sizes; drains shrink it again.
      const phase = Math.floor(step / 5_000) % 2;
      if (model.size === 0 || rand(100) < (phase === 0 ? 60 : 35)) {
        const s = { id: next };
        next += 2;
        table.add(s);
        model.set(s.id, s);
        seen.push(s.id);
      } else {
        // Mostly the oldest streams finish first, now and then any of them.
        const keys = [...model.keys()];
        const id = rand(4) === 0 ? keys[rand(keys.length)]! : keys[0]!;
        assert.equal(table.delete(id), true);
        model.delete(id);
        assert.equal(table.delete(id), false, 'a second delete finds nothing');
      }
      if (step % 997 === 0) assertSame(table, model, seen.slice(-300));
    }
    assertSame(table, model, seen);
  }
});

/** The first `n` odd ids whose probe run starts at `slot` of a 64-slot table. */
function idsAt(slot: number, seed: number, n: number): number[] {
  const out: number[] = [];
  for (let id = 1; out.length < n; id += 2) if (homeSlot(id, seed, 6) === slot) out.push(id);
  return out;
}

test('stream table: ids that share a slot, and probe runs wrapping past the end', () => {
  const seed = 42;
  const table = new StreamTable<S>(seed);
  // Three ids at the last slot fill 63, 0 and 1; three at slot 0 then take 2, 3 and 4.
  const last = idsAt(63, seed, 3);
  const first = idsAt(0, seed, 3);
  const streams = [...last, ...first].map((id) => ({ id }));
  for (const s of streams) table.add(s);
  for (const s of streams) assert.equal(table.get(s.id), s);
  // Remove from the middle of the wrapped run: the entries behind it must stay reachable.
  const gone = new Set([last[1]!, first[0]!]);
  for (const id of gone) assert.equal(table.delete(id), true);
  for (const s of streams) assert.equal(table.get(s.id), gone.has(s.id) ? undefined : s);
  assert.equal(table.size, 4);
  table.clear();
  assert.equal(table.size, 0);
  assert.equal(table.get(last[0]!), undefined);
  assert.deepEqual(table.values(), []);
});

test('stream table: ids chosen to collide under one seed spread under another', () => {
  // A peer that knew the seed could send ids that all start at one slot.
  const chosen = idsAt(0, 7, 16);
  const slots = new Set(chosen.map((id) => homeSlot(id, 8, 6)));
  assert.ok(slots.size >= 8, `16 ids share ${slots.size} slots under another seed`);
  const seeds = new Set(Array.from({ length: 8 }, () => (new StreamTable<S>() as unknown as { seed: number }).seed));
  assert.ok(seeds.size >= 7, 'each table draws its own seed');
});
