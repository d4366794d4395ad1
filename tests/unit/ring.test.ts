import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../main/common/ring.ts';
import { RequestLog } from '../../main/app/request-log.ts';
import type { RequestView } from '../../preload/contract.ts';

test('a ring keeps the last N items, oldest dropped first', () => {
  const r = new Ring<number>(3);
  assert.deepEqual(r.toArray(), []);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.equal(r.size, 3);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.deepEqual(r.newest(2), [5, 4]);
  assert.deepEqual(r.newest(10), [5, 4, 3]);
});

test('retain keeps order and later pushes continue from there', () => {
  const r = new Ring<number>(4);
  for (let i = 1; i <= 6; i++) r.push(i);
  r.retain((n) => n % 2 === 0);
  assert.deepEqual(r.toArray(), [4, 6]);
  r.push(7);
  r.push(8);
  r.push(9);
  assert.deepEqual(r.toArray(), [6, 7, 8, 9]);
});

test("the app's request log lists newest first, per tunnel, and clears one tunnel or all", () => {
  const log = new RequestLog(3);
  const entry = (id: string, tunnelId: string): RequestView => ({ id, tunnelId, startedAt: 0, durationMs: 1, method: 'GET', path: '/', status: 200, requestHeaders: [], responseHeaders: [] });
  for (const [id, t] of [['1', 'a'], ['2', 'b'], ['3', 'a'], ['4', 'b']] as const) log.add(entry(id, t));
  assert.deepEqual(log.list().map((r) => r.id), ['4', '3', '2']);
  assert.deepEqual(log.list('a').map((r) => r.id), ['3']);
  log.clear('b');
  assert.deepEqual(log.list().map((r) => r.id), ['3']);
  log.clear();
  assert.deepEqual(log.list(), []);
});
