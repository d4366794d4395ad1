// The session's stream table against a Map doing the same work: ids as a session hands them out
// (one side's consecutive odd or even numbers), long-lived streams among short ones, growth,
// shrinking, and probe runs that wrap around the end of the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTable } from '../../main/protocol/stream-table.ts';

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
  for (const first of [1, 2]) {
    const table = new StreamTable<S>();
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

test('stream table: ids that share a slot, and probe runs wrapping past the end', () => {
  const table = new StreamTable<S>();
  // With 64 slots, ids 2k+1 and 2k+129 share slot k; 127 lands in the last slot.
  const ids = [127, 255, 383, 1, 129, 3];
  const streams = ids.map((id) => ({ id }));
  for (const s of streams) table.add(s);
  for (const s of streams) assert.equal(table.get(s.id), s);
  // Remove from the middle of the wrapped run: the entries behind it must stay reachable.
  assert.equal(table.delete(255), true);
  assert.equal(table.delete(1), true);
  for (const s of streams) assert.equal(table.get(s.id), s.id === 255 || s.id === 1 ? undefined : s);
  assert.equal(table.size, 4);
  table.clear();
  assert.equal(table.size, 0);
  assert.equal(table.get(127), undefined);
  assert.deepEqual(table.values(), []);
});
