// The bench's ratios between targets: taken within each round, so drift between rounds cancels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inTurn, pairedRatio } from '../../bench/rounds.ts';
import { targets, type Results } from '../../bench/report.ts';

test('pairedRatio is the median of the per-round ratios', () => {
  // The machine slows down in round 2 for both targets alike: each round says 0.5.
  assert.equal(pairedRatio([100, 50, 60], [200, 100, 120]), 0.5);
  // One odd round does not move it.
  assert.equal(pairedRatio([100, 90, 50], [200, 100, 100]), 0.5);
  assert.equal(pairedRatio([3, 4], [4, 4]), 0.875);
});

test('pairedRatio refuses what cannot be paired', () => {
  assert.equal(pairedRatio(undefined, [1]), null);
  assert.equal(pairedRatio([1, 2], [1]), null);
  assert.equal(pairedRatio([], []), null);
  assert.equal(pairedRatio([1, 2], [1, 0]), null);
});

test('targets pair rounds where they have them, and fall back to the medians', () => {
  const load = (reqPerSec: number) => ({ tool: 'wrk' as const, reqPerSec, p50Ms: 1, p99Ms: 2, requests: 1, errors: 0 });
  const r: Results = {
    // Medians alone: 100 / 120 = 0.83, a miss; round by round the SSO tunnel keeps 0.95.
    small: { gatehouse: load(120) },
    smallAuth: load(100),
    download: {},
    upload: {},
    cpu: { smallUsPerReq: {}, downloadMs: {}, uploadMs: {} },
    rounds: { 'small gatehouse req/s': [100, 120, 140], 'small auth req/s': [95, 114, 100] },
    notes: [],
  };
  const sso = () => targets(r).find((t) => t.target.startsWith('authenticated'))!;
  assert.equal(sso().value, 0.95);
  assert.equal(sso().status, 'PASS');
  delete r.rounds['small auth req/s'];
  assert.equal(sso().value, 100 / 120);
  assert.equal(sso().status, 'MISS');
});

test('inTurn runs the targets forwards, then backwards, round after round', () => {
  const t = ['direct', 'gatehouse', 'auth', 'nginx'];
  assert.deepEqual(inTurn(t, 0), t);
  assert.deepEqual(inTurn(t, 1), ['nginx', 'auth', 'gatehouse', 'direct']);
  assert.deepEqual(inTurn(t, 4), t);
  // Each target's slot averages out over two rounds: no target always runs first.
  const slots = t.map((x) => [0, 1].reduce((n, r) => n + inTurn(t, r).indexOf(x), 0));
  assert.deepEqual(new Set(slots), new Set([3]));
  assert.deepEqual(t, ['direct', 'gatehouse', 'auth', 'nginx'], 'the caller\'s list is left as it was');
});
